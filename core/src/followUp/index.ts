/** Follow-through 督办: the assignment loop and its lights, the monthly reporting round, what needs me, the 工作提醒函. */
export * from './loop';
export * from './reporting';
export * from './dueItems';
export * from './reminderLetter';
export * from './partyContacts';
export * from './parties';
export * from './letterRegister';
