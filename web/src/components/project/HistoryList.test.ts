import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import type { Activity } from '@clearway/core';
import HistoryList from './HistoryList.vue';
import { testPlugins } from '@/test/boardFixtures';

function entry(actor: Activity['actor']): Activity {
  return {
    id: `a-${actor.uid}`,
    at: '2026-03-02T02:00:00.000Z',
    actor,
    command: 'stall.scan',
    projectId: 'p1',
    lineId: null,
    before: { 'stall.stalled': false },
    after: { 'stall.stalled': true },
  };
}

function whoTexts(locale: 'zh-CN' | 'en'): string {
  const wrapper = mount(HistoryList, {
    props: {
      activity: [
        entry({ uid: 'system:stallScan', name: 'stall scan 停滞扫描', role: 'admin' }),
        entry({ uid: 'u-staff', name: '李敏', role: 'staff' }),
      ],
      bankNames: {},
      lineBanks: {},
    },
    global: { plugins: testPlugins(locale) },
  });
  const text = wrapper.text();
  wrapper.unmount();
  return text;
}

describe('HistoryList', () => {
  it('names the stall scan in the reader’s language, and people by name and role', () => {
    const zh = whoTexts('zh-CN');
    expect(zh).toContain('系统（停滞扫描）');
    expect(zh).toContain('李敏（局工作人员）');
    const en = whoTexts('en');
    expect(en).toContain('System (stall scan)');
    expect(en).not.toContain('停滞扫描');
  });
});

describe('HistoryList 代为登记', () => {
  it('says who recorded a step for a party with no member, and for whom', () => {
    const wrapper = mount(HistoryList, {
      props: {
        activity: [{
          id: 'a-ack',
          at: '2026-03-02T02:00:00.000Z',
          actor: { uid: 'u-staff', name: '李敏', role: 'staff' },
          command: 'assignment.report',
          projectId: 'p1',
          lineId: null,
          before: { assignmentId: 'a1', state: 'acknowledged' },
          after: { assignmentId: 'a1', step: 'report', text: '电话反馈：已上会研究', onBehalfOf: '市发改委' },
        }],
        bankNames: {},
        lineBanks: {},
      },
      global: { plugins: testPlugins('zh-CN') },
    });
    const items = wrapper.findAll('.history__changes li').map((li) => li.text().replace(/\s+/g, ''));
    expect(wrapper.get('[data-test="history-entry"]').text()).toContain('李敏（局工作人员） 反馈了交办事项进展');
    expect(items).toEqual(['说明：电话反馈：已上会研究', '代为登记（责任单位）：市发改委']);
  });
});
