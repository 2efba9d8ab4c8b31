/**
 * What the header (AppHeader) shows and does, from the session: the navigation (routes with
 * `meta.navKey` the person may open), the demo's identities, the inbox count, the sample reset
 * and sign-out. App.vue passes it to the header; the header itself reads no store.
 */
import { computed, getCurrentScope, shallowRef, watch } from 'vue';
import { useI18n } from 'vue-i18n';
import { useRouter } from 'vue-router';
import type { LocalIdentity } from '@/backend/types';
import { afterFirstPaint } from '@/composables/firstPaintGate';
import { useCommandFeedback } from '@/composables/useCommandFeedback';
import { useBoardStore } from '@/stores/board';
import type { useFollowUpStore } from '@/stores/followUp';
import { useSessionStore } from '@/stores/session';

/** The confirmation dialog is loaded on first use: it is not needed to show the board. */
async function loadMessageBox() {
  const [{ ElMessageBox }] = await Promise.all([
    import('element-plus/es/components/message-box/index.mjs'),
    import('element-plus/es/components/message-box/style/css'),
  ]);
  return ElMessageBox;
}

export function useAppHeader() {
  const session = useSessionStore();
  const board = useBoardStore();
  const router = useRouter();
  const { t } = useI18n({ useScope: 'global' });
  const feedback = useCommandFeedback();

  // The count of what needs the person (core dueItemsFor), on every page. It reads the whole
  // projects, and its store and core's follow-up rules are not in the first load: it starts once
  // the first paint is out (the count then fills in).
  const followUp = shallowRef<ReturnType<typeof useFollowUpStore> | null>(null);
  const scope = getCurrentScope();
  void afterFirstPaint()
    .then(() => import('@/stores/followUp'))
    .then(({ useFollowUpStore }) =>
      scope?.run(() => {
        const store = useFollowUpStore();
        followUp.value = store;
        watch(
          () => session.backend,
          (backend) => backend && store.start(),
          { immediate: true },
        );
      }),
    )
    .catch((error: unknown) => console.error(error)); // no count then; the inbox page still lists

  const navItems = computed(() =>
    router
      .getRoutes()
      .filter((route) => route.meta.navKey && route.name && (session.actor !== null || !session.backend?.auth))
      .filter((route) => !route.meta.roles || (session.actor !== null && route.meta.roles.includes(session.actor.role)))
      .sort((a, b) => (a.meta.navOrder ?? 100) - (b.meta.navOrder ?? 100))
      .map((route) => ({ name: route.name as string, label: t(route.meta.navKey as string) })),
  );

  function identityLabel(identity: LocalIdentity): string {
    const bank = identity.bankId ? board.bankName(identity.bankId) : null;
    const role = identity.role === 'liaison' && bank ? t('app.identity.liaisonOf', { bank }) : t(`domain.role.${identity.role}`);
    return t('app.identity.option', { name: identity.name, role });
  }

  async function switchIdentity(uid: string): Promise<void> {
    try {
      await session.switchIdentity(uid);
      feedback.showSuccess('app.identity.switched', { name: session.actor?.name ?? uid });
    } catch (error) {
      feedback.showError(error);
    }
  }

  async function confirmReset(): Promise<void> {
    try {
      const messageBox = await loadMessageBox();
      const answer = await messageBox
        .confirm(t('app.reset.message'), t('app.reset.title'), {
          type: 'warning',
          confirmButtonText: t('app.reset.confirm'),
          cancelButtonText: t('app.reset.cancel'),
        })
        .catch(() => 'cancel' as const);
      if (answer === 'cancel') return;
      await session.resetSampleData();
      feedback.showSuccess('app.reset.done');
    } catch (error) {
      feedback.showError(error);
    }
  }

  /** Firebase and team server modes: sign out; the router then shows the sign-in page. */
  async function signOut(): Promise<void> {
    try {
      await session.backend?.auth?.signOut();
      feedback.showSuccess('auth.signIn.signedOut');
    } catch (error) {
      feedback.showError(error);
    }
  }

  return {
    navItems,
    inboxCount: computed(() => followUp.value?.count ?? null),
    // The labels name a liaison's bank: the banks are watched from the start (App starts the board store).
    identityChoices: computed(() =>
      session.isLocal ? session.identities.map((identity) => ({ value: identity.uid, label: identityLabel(identity) })) : null,
    ),
    signedInAs: computed(() => (session.backend?.auth && session.actor ? session.actor.name : null)),
    switchIdentity,
    confirmReset,
    signOut,
  };
}
