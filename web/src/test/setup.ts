// Shared setup for web component and store tests.
import 'fake-indexeddb/auto';

