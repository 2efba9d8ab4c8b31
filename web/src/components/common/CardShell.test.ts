import { afterEach, describe, expect, it } from 'vitest';
import { mount, type VueWrapper } from '@vue/test-utils';
import CardShell from './CardShell.vue';

let wrapper: VueWrapper | null = null;
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
});

function mountShell(props: Record<string, unknown>, attrs: Record<string, string> = {}) {
  wrapper = mount(CardShell, {
    props: { title: '城南污水厂', ...props },
    attrs,
    slots: { actions: '<button class="menu">移动到…</button>', default: '<p class="body">昭阳区</p>', footer: '<p class="foot">保存中</p>' },
    attachTo: document.body,
  });
  return wrapper;
}

describe('CardShell', () => {
  it('renders the name, the actions beside it, the body and the footer in one article with the owner’s attributes', () => {
    const card = mountShell({ status: 'stalled' }, { class: 'card', 'data-project-id': 'p-1' });
    const article = card.get('article');
    expect(article.attributes('data-project-id')).toBe('p-1');
    expect(article.classes()).toEqual(expect.arrayContaining(['card', 'cw-card', 'cw-card--stalled']));
    expect(card.get('.cw-card__head h3').text()).toBe('城南污水厂');
    expect(card.get('.cw-card__head .menu').text()).toBe('移动到…');
    expect(card.get('.body').text()).toBe('昭阳区');
    expect(card.get('.foot').text()).toBe('保存中');
  });

  it('an openable card takes focus, is named by its label and opens on a click and on Enter', async () => {
    const card = mountShell({ openable: true, label: '打开 城南污水厂', pending: true });
    const article = card.get('article');
    expect(article.attributes('tabindex')).toBe('0');
    expect(article.attributes('aria-label')).toBe('打开 城南污水厂');
    expect(article.attributes('aria-busy')).toBe('true');
    await article.trigger('click');
    await article.trigger('keydown', { key: 'Enter' });
    expect(card.emitted('open')).toHaveLength(2);
    // Enter on the action menu inside is the menu's, not the card's.
    await card.get('.menu').trigger('keydown', { key: 'Enter' });
    expect(card.emitted('open')).toHaveLength(2);
  });

  it('a read-only card is not focusable and opens nothing', async () => {
    const card = mountShell({});
    const article = card.get('article');
    expect(article.attributes('tabindex')).toBeUndefined();
    expect(article.attributes('aria-busy')).toBeUndefined();
    await article.trigger('click');
    await article.trigger('keydown', { key: 'Enter' });
    expect(card.emitted('open')).toBeUndefined();
  });
});
