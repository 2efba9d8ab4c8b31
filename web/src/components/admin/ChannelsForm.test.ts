import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import type { NotifyChannels } from '@clearway/core';
import ChannelsForm from './ChannelsForm.vue';
import type { ChannelValues } from './types';
import { testPlugins } from '@/test/boardFixtures';

const saved: NotifyChannels = {
  wecom: { webhookSet: true },
  dingtalk: { webhookSet: true, secretSet: true },
  smtp: { host: 'smtp.czj.gov.cn', port: 465, secure: true, user: 'bot', from: 'Clearway <noreply@czj.gov.cn>', passwordSet: true },
};

function mountForm(channels: NotifyChannels | null, canSend = true) {
  return mount(ChannelsForm, { props: { channels, canSend, demo: !canSend }, global: { plugins: testPlugins() } });
}

describe('ChannelsForm', () => {
  it('shows saved secrets as set and, left empty, sends no secret back: the stored ones are kept', async () => {
    const wrapper = mountForm(saved);
    expect(wrapper.get('input[data-test="channels-wecom-url"]').attributes('placeholder')).toBe('已设置（留空保持不变）');
    expect((wrapper.get('input[data-test="channels-wecom-url"]').element as HTMLInputElement).value).toBe('');
    await wrapper.get('[data-test="channels-submit"]').trigger('click');
    const [values] = wrapper.emitted('submit')![0] as [ChannelValues];
    expect(values).toEqual({
      wecomWebhookUrl: undefined,
      dingtalkWebhookUrl: undefined,
      dingtalkSecret: undefined,
      smtp: { host: 'smtp.czj.gov.cn', port: 465, secure: true, user: 'bot', from: 'Clearway <noreply@czj.gov.cn>', password: undefined },
    });
    expect(JSON.parse(JSON.stringify(values))).toEqual({ smtp: { host: 'smtp.czj.gov.cn', port: 465, secure: true, user: 'bot', from: 'Clearway <noreply@czj.gov.cn>' } });
  });

  it('sends a new URL, clears one on request, and offers a test per channel on the team server only', async () => {
    const wrapper = mountForm(saved);
    await wrapper.get('input[data-test="channels-wecom-url"]').setValue(' https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=new ');
    await wrapper.get('[data-test="channels-submit"]').trigger('click');
    expect((wrapper.emitted('submit')![0] as [ChannelValues])[0].wecomWebhookUrl).toBe('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=new');
    await wrapper.get('[data-test="channels-test-dingtalk"]').trigger('click');
    expect(wrapper.emitted('test')![0]).toEqual(['dingtalk', null]);
    const demo = mountForm(saved, false);
    expect(demo.find('[data-test="channels-test-wecom"]').exists()).toBe(false);
    expect(demo.find('[data-test="channels-demo-only"]').exists()).toBe(true);
  });
});
