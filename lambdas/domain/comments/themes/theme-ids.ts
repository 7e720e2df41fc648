/** The themes of the default customer-experience taxonomy: id, label, and what belongs under it. */
export const DEFAULT_THEME_IDS = [
  { id: 'delivery', label: 'Delivery and timing', about: 'shipping, courier, parcel, arriving late/early/on time, tracking, delivery slots, lost or damaged in transit' },
  { id: 'staff', label: 'Staff and service', about: 'how people behaved: friendly, rude, helpful, knowledgeable, patient, the agent/driver/cashier/technician as a person' },
  { id: 'product', label: 'Product quality', about: 'the product or item itself: broken, defective, works well, durable, taste, fit, size, as described' },
  { id: 'price', label: 'Price and billing', about: 'price, value for money, fees, charges, invoices, double charging, discounts, subscriptions billed' },
  { id: 'digital', label: 'Website and app', about: 'the website, app, online checkout, login, account page, bugs, crashes, ease of ordering online' },
  { id: 'communication', label: 'Communication', about: 'being kept informed: updates, e-mails, notifications, clear information, nobody told me, no reply to e-mails' },
  { id: 'wait-time', label: 'Wait time', about: 'waiting to be served or answered: queues, on hold, call back times, waiting days for a reply, quick service' },
  { id: 'refunds', label: 'Refunds and returns', about: 'refunds, returns, exchanges, credit notes, money back, return labels' },
  { id: 'facilities', label: 'Store and facilities', about: 'the physical place: store, branch, cleanliness, parking, opening hours, stock on shelves, location' },
  { id: 'resolution', label: 'Problem resolution', about: 'whether the problem got fixed: solved first time, still not fixed, had to call again, complaint ignored' },
] as const;
