import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** CPU time (ms) used so far by the process listening on `port` (DynamoDB Local's JVM), from /proc; 0 elsewhere. */
export function cpuMsOfListener(port: number): () => number {
  try {
    const inode = readFileSync('/proc/net/tcp', 'utf8').split('\n').concat(readFileSync('/proc/net/tcp6', 'utf8').split('\n'))
      .map((line) => line.trim().split(/\s+/))
      .find((f) => f[3] === '0A' && f[1]?.endsWith(`:${port.toString(16).toUpperCase().padStart(4, '0')}`))?.[9];
    const pid = inode && readdirSync('/proc').find((d) => /^\d+$/.test(d) && (() => { try { return readdirSync(`/proc/${d}/fd`).some((fd) => readlinkSync(`/proc/${d}/fd/${fd}`) === `socket:[${inode}]`); } catch { return false; } })());
    if (!pid) return () => 0;
    const ticks = 100; // USER_HZ: 100 on every Linux this runs on
    return () => {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticks;
    };
  } catch {
    return () => 0;
  }
}
