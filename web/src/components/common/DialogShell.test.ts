import { afterEach, describe, expect, it } from 'vitest';
import { defineComponent, h, nextTick, ref } from 'vue';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { testPlugins } from '@/test/boardFixtures';
import BankForm from '@/components/admin/BankForm.vue';
import MemberForm from '@/components/admin/MemberForm.vue';
import PasswordDialog from '@/components/admin/PasswordDialog.vue';
import TargetsDialog from '@/components/meeting/TargetsDialog.vue';
import DialogShell from './DialogShell.vue';

/** A parent holding the dialog open, as the pages do, with its form's saving flag. */
function mountShell(busy: boolean) {
  const open = ref(true);
  const Host = defineComponent({
    setup: () => () => h(DialogShell, { modelValue: open.value, 'onUpdate:modelValue': (value: boolean) => (open.value = value), title: '表单', busy }, () => h('p', { class: 'body' }, '内容')),
  });
  const wrapper = mount(Host, { attachTo: document.body, global: { plugins: testPlugins(), stubs: { transition: false } } });
  return { wrapper, open };
}

/** Lets the real leave transition run to its end, where Element Plus reports the close. */
async function settle(): Promise<void> {
  for (let frame = 0; frame < 5; frame += 1) {
    await new Promise((resolve) => requestAnimationFrame(() => resolve(null)));
    await flushPromises();
  }
}
const overlay = () => document.body.querySelector<HTMLElement>('.el-overlay-dialog')!;
async function clickOutside(): Promise<void> {
  // Element Plus closes on a click whose press and release both land on the overlay itself.
  overlay().dispatchEvent(new MouseEvent('mousedown', { bubbles: true }));
  overlay().dispatchEvent(new MouseEvent('mouseup', { bubbles: true }));
  overlay().dispatchEvent(new MouseEvent('click', { bubbles: true }));
  await settle();
}
async function pressEscape(): Promise<void> {
  document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', code: 'Escape', bubbles: true }));
  await settle();
}
async function clickClose(): Promise<void> {
  document.body.querySelector<HTMLElement>('.el-dialog__headerbtn')!.click();
  await settle();
}

let mounted: VueWrapper | null = null;
afterEach(() => {
  mounted?.unmount();
  mounted = null;
});

describe('DialogShell', () => {
  it('does not close on an outside click, Escape or × while its form is saving', async () => {
    const { wrapper, open } = mountShell(true);
    mounted = wrapper;
    await nextTick();
    expect(document.body.querySelector('.body')).not.toBeNull();
    await clickOutside();
    expect(open.value).toBe(true);
    await pressEscape();
    expect(open.value).toBe(true);
    await clickClose();
    expect(open.value).toBe(true);
  });

  it.each([
    ['an outside click', clickOutside],
    ['Escape', pressEscape],
    ['×', clickClose],
  ])('closes on %s when nothing is saving', async (_, close) => {
    const { wrapper, open } = mountShell(false);
    mounted = wrapper;
    await nextTick();
    await close();
    expect(open.value).toBe(false);
  });

  it.each([
    ['MemberForm', MemberForm, { member: null, banks: [], choosesPassword: false }],
    ['PasswordDialog', PasswordDialog, {}],
    ['BankForm', BankForm, { bank: null }],
    ['TargetsDialog', TargetsDialog, { year: 2026, current: null }],
  ])('%s keeps its dialog open while it saves', async (_, form, props) => {
    const wrapper = mount(form as never, { props: { modelValue: true, ...props, saving: true } as never, attachTo: document.body, global: { plugins: testPlugins() } });
    mounted = wrapper;
    expect(wrapper.findComponent(DialogShell).props('busy')).toBe(true);
    await wrapper.setProps({ saving: false } as never);
    expect(wrapper.findComponent(DialogShell).props('busy')).toBe(false);
  });
});
