/**
 * ChoiceSelect as an async component: an Element Plus select brings the popper code (the select
 * itself, its tooltip, scrollbar and @popperjs/core, about 25 KB gzip) that nothing else on the
 * board needs before a menu opens. Its chunk is fetched once the first paint is out (firstPaintGate),
 * and a lookalike holds its place until then.
 */
import { defineAsyncComponent } from 'vue';
import { afterFirstPaint } from '@/composables/firstPaintGate';
import ChoiceSelectPlaceholder from './ChoiceSelectPlaceholder.vue';

export type { Choice } from './ChoiceSelect.vue';

export const loadChoiceSelect = () => afterFirstPaint().then(() => import('./ChoiceSelect.vue'));

export const LazyChoiceSelect = defineAsyncComponent({
  loader: loadChoiceSelect,
  loadingComponent: ChoiceSelectPlaceholder,
  delay: 0,
});
