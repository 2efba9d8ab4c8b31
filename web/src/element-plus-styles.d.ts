// Element Plus' per-component style entries are side-effect modules without typings; the app
// imports some of them dynamically (with the component they style) to keep them out of the first load.
declare module 'element-plus/es/components/*/style/css';
