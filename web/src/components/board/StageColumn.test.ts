import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import vuedraggable from 'vuedraggable';
import StageColumn from './StageColumn.vue';
import { makeCard, testPlugins } from '@/test/boardFixtures';
import { holdUntilFirstPaint, releaseAfterFirstPaint } from '@/composables/firstPaintGate';

const WAN = 10_000;

function column(n: number) {
  return Array.from({ length: n }, (_, i) =>
    makeCard({
      id: `p${i}`,
      name: `项目${i}`,
      stage: 'approval',
      rank: `a${String(i).padStart(4, '0')}`,
      needTotal: 1000 * WAN,
      clearance: { need: 1000 * WAN, approved: 500 * WAN, disbursed: 100 * WAN },
    }),
  );
}

function mountColumn(projects = column(3), pageSize = 30) {
  return mount(StageColumn, {
    props: { stage: 'approval', projects, canMove: true, pageSize, bankName: () => '工商银行' },
    global: { plugins: testPlugins() },
  });
}

/** A column as it is once the app's first paint is out (it then draws its second screen). */
async function mountFilled(projects = column(3), pageSize = 30) {
  const wrapper = mountColumn(projects, pageSize);
  await flushPromises();
  return wrapper;
}

/** An IntersectionObserver that only records what it is told to observe. */
function stubWatchedSentinels(): Element[] {
  const watched: Element[] = [];
  vi.stubGlobal(
    'IntersectionObserver',
    class {
      observe(target: Element) {
        watched.push(target);
      }
      unobserve() {}
      disconnect() {}
    },
  );
  return watched;
}

/**
 * A ResizeObserver that reports when told: `report(h)` tells the observers watching an element it
 * is `h` px tall (the entry a browser delivers after the frame's layout).
 */
function stubResizeObserver() {
  const observers: { callback: ResizeObserverCallback; targets: Element[]; self: ResizeObserver }[] = [];
  vi.stubGlobal(
    'ResizeObserver',
    class {
      constructor(callback: ResizeObserverCallback) {
        observers.push({ callback, targets: [], self: this as unknown as ResizeObserver });
      }
      observe(target: Element) {
        observers.find((o) => o.self === (this as unknown))!.targets.push(target);
      }
      unobserve(target: Element) {
        const entry = observers.find((o) => o.self === (this as unknown))!;
        entry.targets = entry.targets.filter((t) => t !== target);
      }
      disconnect() {
        observers.find((o) => o.self === (this as unknown))!.targets = [];
      }
    },
  );
  return {
    targets: () => observers.flatMap((o) => o.targets),
    report(height: number) {
      for (const o of observers.filter((o) => o.targets.length)) {
        const entries = o.targets.map((target) => ({
          target,
          contentRect: { height: Math.max(0, height - 16) },
          borderBoxSize: [{ blockSize: height, inlineSize: 280 }],
        })) as unknown as ResizeObserverEntry[];
        o.callback(entries, o.self);
      }
    },
  };
}

/** A SortableJS `end` event as vuedraggable forwards it. */
function dropEvent(projectId: string, from: string, to: string, oldIndex: number, newIndex: number) {
  const list = (stage: string) => {
    const element = document.createElement('ol');
    element.dataset.stage = stage;
    return element;
  };
  const fromList = list(from);
  const toList = from === to ? fromList : list(to);
  const item = document.createElement('li');
  item.dataset.id = projectId;
  return { item, from: fromList, to: toList, oldIndex, newIndex };
}

describe('StageColumn', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('heads the column with the stage name, the card count and the money totals', () => {
    const wrapper = mountColumn();
    const head = wrapper.find('.cw-column__head').text();
    expect(head).toContain('审批中');
    expect(head).toContain('3 个');
    expect(head).toContain('3,000.00万元');
    expect(head).toContain('1,500.00万元');
    expect(head).toContain('300.00万元');
  });

  it('shows totals of 1亿 and more in 亿元', () => {
    const wrapper = mountColumn(column(12));
    expect(wrapper.find('.cw-column__head').text()).toContain('1.20亿元');
  });

  it('emits exactly one move when a card is dropped into another column', () => {
    const wrapper = mountColumn();
    wrapper.findComponent(vuedraggable).vm.$emit('end', dropEvent('p1', 'approval', 'approved', 1, 0));
    expect(wrapper.emitted('move')).toEqual([['p1', 'approved', 0]]);
  });

  it('emits a reorder inside the column, and nothing when the card is put back', () => {
    const wrapper = mountColumn();
    const draggable = wrapper.findComponent(vuedraggable);
    draggable.vm.$emit('end', dropEvent('p0', 'approval', 'approval', 0, 0));
    draggable.vm.$emit('end', dropEvent('p0', 'approval', 'approval', 0, 2));
    expect(wrapper.emitted('move')).toEqual([['p0', 'approval', 2]]);
  });

  it('draws a large column a screen and one more at first, then a page at a time, heading it with all its cards', async () => {
    vi.stubGlobal('innerHeight', 800);
    const wrapper = await mountFilled(column(5000), 40);
    // 550 px of the 800 are left for the cards, about 4 cards of 144 px, and as many again below.
    expect(wrapper.findAll('.column__item')).toHaveLength(8);
    expect(wrapper.find('.cw-column__count').text()).toBe('5000 个');
    expect(wrapper.find('.cw-column__head').text()).toContain('500.00亿元');
    await wrapper.find('.column__more').trigger('click');
    expect(wrapper.findAll('.column__item')).toHaveLength(48);
    expect(wrapper.find('.column__more').text()).toContain('4952');
  });

  it('draws only the cards in sight until the app\'s first paint is out, then a second screen, and watches the sentinel only then', async () => {
    vi.stubGlobal('innerHeight', 800);
    const sized = stubResizeObserver();
    const watched = stubWatchedSentinels();
    holdUntilFirstPaint();
    try {
      const wrapper = mountColumn(column(500));
      // 550 px hold 4 cards of 144 px: 4 in sight and one more, but never fewer than 6.
      expect(wrapper.findAll('.column__item')).toHaveLength(6);
      sized.report(1000);
      await flushPromises();
      // 1000 px: 7 in sight and one more; no sentinel watched yet, so nothing adds a page.
      expect(wrapper.findAll('.column__item')).toHaveLength(8);
      expect(watched).toEqual([]);
      releaseAfterFirstPaint();
      await flushPromises();
      expect(wrapper.findAll('.column__item')).toHaveLength(14);
      expect(watched).toEqual([wrapper.find('.column__sentinel').element]);
      expect(wrapper.find('.column__more').text()).toContain('486');
    } finally {
      releaseAfterFirstPaint();
    }
  });

  it('before the first paint is out: a column unmounted watches nothing, one a filter shrank still grows to two screens once it is', async () => {
    vi.stubGlobal('innerHeight', 800);
    const watched = stubWatchedSentinels();
    holdUntilFirstPaint();
    try {
      const gone = mountColumn(column(500));
      gone.unmount();
      const shrunk = mountColumn(column(500));
      await shrunk.setProps({ projects: column(3) });
      expect(shrunk.findAll('.column__item')).toHaveLength(3);
      await shrunk.setProps({ projects: column(500) });
      expect(shrunk.findAll('.column__item')).toHaveLength(6);
      releaseAfterFirstPaint();
      await flushPromises();
      // 550 px: 4 cards in sight and 4 below; only the mounted column watches its sentinel.
      expect(shrunk.findAll('.column__item')).toHaveLength(8);
      expect(watched).toEqual([shrunk.find('.column__sentinel').element]);
    } finally {
      releaseAfterFirstPaint();
    }
  });

  it('sizes the first render by the window before layout and by the column once it is laid out', async () => {
    vi.stubGlobal('innerHeight', 1400);
    expect((await mountFilled(column(500))).findAll('.column__item')).toHaveLength(16);
    vi.stubGlobal('innerHeight', 500);
    expect((await mountFilled(column(500))).findAll('.column__item')).toHaveLength(6);

    vi.stubGlobal('innerHeight', 800);
    const sized = stubResizeObserver();
    // Read at mount, the height would make the browser lay the page out there and then.
    const clientHeight = vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get');
    const laidOut = await mountFilled(column(500));
    expect(laidOut.findAll('.column__item')).toHaveLength(8);
    expect(sized.targets()).toEqual([laidOut.find('.cw-column__scroll').element]);
    // Not laid out yet (a column not shown): the guess stays and the column is still watched.
    sized.report(0);
    await laidOut.vm.$nextTick();
    expect(laidOut.findAll('.column__item')).toHaveLength(8);
    sized.report(1000);
    await laidOut.vm.$nextTick();
    // 1000 px hold 7 cards of 144 px: 7 in sight and 7 below.
    expect(laidOut.findAll('.column__item')).toHaveLength(14);
    // Measured once: a later size keeps the window the column has.
    expect(sized.targets()).toEqual([]);
    expect(clientHeight).not.toHaveBeenCalled();

    const grown = await mountFilled(column(500), 30);
    await grown.find('.column__more').trigger('click');
    sized.report(1000);
    await grown.vm.$nextTick();
    expect(grown.findAll('.column__item')).toHaveLength(38);
    grown.unmount();
    expect(sized.targets()).toEqual([]);
  });

  it('draws a page more each time the sentinel below the cards comes near, and everything a short column has', async () => {
    vi.stubGlobal('innerHeight', 800);
    const observers: { callback: IntersectionObserverCallback; targets: Element[]; options?: IntersectionObserverInit }[] = [];
    vi.stubGlobal(
      'IntersectionObserver',
      class {
        readonly entry: (typeof observers)[number];
        constructor(callback: IntersectionObserverCallback, options?: IntersectionObserverInit) {
          this.entry = { callback, targets: [], options };
          observers.push(this.entry);
        }
        observe(target: Element) {
          this.entry.targets.push(target);
        }
        unobserve(target: Element) {
          this.entry.targets = this.entry.targets.filter((t) => t !== target);
        }
        disconnect() {
          this.entry.targets = [];
        }
      },
    );
    const wrapper = await mountFilled(column(100), 30);
    const [observer] = observers;
    expect(observer!.options?.root).toBe(wrapper.find('.cw-column__scroll').element);
    const near = (isIntersecting: boolean) =>
      observer!.callback([{ isIntersecting, target: observer!.targets[0]! } as unknown as IntersectionObserverEntry], {} as IntersectionObserver);

    expect(wrapper.findAll('.column__item')).toHaveLength(8);
    near(false);
    await wrapper.vm.$nextTick();
    expect(wrapper.findAll('.column__item')).toHaveLength(8);
    near(true);
    await wrapper.vm.$nextTick();
    expect(wrapper.findAll('.column__item')).toHaveLength(38);
    // Still observed, so a sentinel that stays in reach keeps reporting.
    expect(observer!.targets).toEqual([wrapper.find('.column__sentinel').element]);
    near(true);
    near(true);
    near(true);
    await wrapper.vm.$nextTick();
    expect(wrapper.findAll('.column__item')).toHaveLength(100);
    expect(wrapper.find('.column__more').exists()).toBe(false);

    expect((await mountFilled(column(3))).findAll('.column__item')).toHaveLength(3);
  });

  it('keeps a card moved below the drawn part drawn, and shrinks with a filter back to the first size', async () => {
    vi.stubGlobal('innerHeight', 800);
    const wrapper = await mountFilled(column(100), 30);
    const cards = wrapper.findAllComponents({ name: 'ProjectCard' });
    cards[7]!.vm.$emit('move', 'p7', 'approval', 8);
    await wrapper.vm.$nextTick();
    expect(wrapper.findAll('.column__item')).toHaveLength(38);
    await wrapper.setProps({ projects: column(20) });
    expect(wrapper.findAll('.column__item')).toHaveLength(20);
    await wrapper.setProps({ projects: column(4) });
    expect(wrapper.findAll('.column__item')).toHaveLength(4);
    await wrapper.setProps({ projects: column(100) });
    expect(wrapper.findAll('.column__item')).toHaveLength(8);
  });

  it('keeps a card dropped from another column after the last drawn card drawn', async () => {
    vi.stubGlobal('innerHeight', 800);
    const projects = column(100);
    const wrapper = await mountFilled(projects, 30);
    const arrived = makeCard({ id: 'new', name: '新到项目', stage: 'approval', rank: 'a0007V' });
    await wrapper.setProps({ projects: [...projects.slice(0, 8), arrived, ...projects.slice(8)] });
    expect(wrapper.findAll('.column__item').map((item) => item.attributes('data-id'))).toContain('new');
    await wrapper.setProps({ projects: [...projects.slice(0, 8), arrived, ...projects.slice(8)].reverse() });
    expect(wrapper.findAll('.column__item')).toHaveLength(38);
  });

  it('draws at least a page of each column for a printout', async () => {
    vi.stubGlobal('innerHeight', 800);
    const wrapper = await mountFilled(column(100), 30);
    window.dispatchEvent(new Event('beforeprint'));
    await wrapper.vm.$nextTick();
    expect(wrapper.findAll('.column__item')).toHaveLength(30);
    wrapper.unmount();
  });

  it('names the lead bank again when the bank names change, and keeps a card\'s texts while they do not', async () => {
    const projects = [makeCard({ id: 'p0', name: '项目0', stage: 'approval', leadBankId: 'icbc' })];
    const wrapper = mountColumn(projects);
    const texts = wrapper.findComponent({ name: 'ProjectCard' }).props('texts');
    expect(wrapper.find('.card__meta').text()).toContain('工商银行');
    await wrapper.setProps({ pendingIds: new Set(['p0']) });
    expect(wrapper.findComponent({ name: 'ProjectCard' }).props('texts')).toBe(texts);
    await wrapper.setProps({ bankName: () => '工行昭通分行' });
    expect(wrapper.find('.card__meta').text()).toContain('工行昭通分行');
  });

  it('shares the cards\' words between columns, and says the head and the words again in a new language', async () => {
    const plugins = testPlugins();
    const i18n = plugins[0] as unknown as { global: { locale: { value: string } } };
    const mountWith = (stage: 'approval' | 'approved') =>
      mount(StageColumn, {
        props: { stage, projects: column(3).map((card) => ({ ...card, stage })), canMove: true, bankName: () => '工商银行' },
        global: { plugins },
      });
    const first = mountWith('approval');
    const second = mountWith('approved');
    const wordsOf = (wrapper: ReturnType<typeof mountWith>) => wrapper.findComponent({ name: 'ProjectCard' }).props('words');
    expect(wordsOf(second)).toBe(wordsOf(first));
    expect(first.find('.cw-column__count').text()).toBe('3 个');
    expect(first.find('.column__totals').text()).toContain('需求');

    i18n.global.locale.value = 'en';
    await first.vm.$nextTick();
    expect(first.find('.cw-column__head').text()).toContain('Under approval');
    expect(first.find('.cw-column__count').text()).toBe('3');
    expect(first.find('.column__totals').text()).toContain('Need');
    expect(wordsOf(first).need).toBe('Need');
    expect(wordsOf(second)).toBe(wordsOf(first));
    await first.setProps({ projects: column(5) });
    expect(first.find('.column__list').attributes('aria-label')).toBe('Under approval, 5 projects');
  });

  it('passes a card menu move through with the card position', async () => {
    const wrapper = mountColumn();
    const cards = wrapper.findAllComponents({ name: 'ProjectCard' });
    cards[1]!.vm.$emit('move', 'p1', 'approval', 2);
    expect(wrapper.emitted('move')).toEqual([['p1', 'approval', 2]]);
    expect(cards[1]!.props('place')('p1')).toEqual({ position: 1, columnLength: 3 });
  });
});
