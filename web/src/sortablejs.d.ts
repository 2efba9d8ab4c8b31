// SortableJS ships no typings; the app imports it only in components/common/lazySortable.ts, which
// declares the part it uses (vuedraggable types its own use).
declare module 'sortablejs';
