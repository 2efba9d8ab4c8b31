/**
 * The keyboard path for moving a card (no drag needed): a "移动到…" menu that lists every other
 * stage, plus up/down inside the current column. Each entry is a complete move, expressed like a
 * drop: the target stage and the index in that column without the moving card.
 */
import { computed, type MaybeRefOrGetter, toValue } from 'vue';
import { useI18n } from 'vue-i18n';
import { STAGE_IDS, type StageId } from '@clearway/core';

export interface MoveMenuItem {
  key: string;
  label: string;
  toStage: StageId;
  index: number;
  disabled: boolean;
}

export interface MoveMenuSource {
  stage: StageId;
  /** Position of the card in its (displayed) column. */
  position: number;
  columnLength: number;
}

/** Moves to another stage land at the top of that column, where the user can see them. */
export function moveMenuTargets(source: MoveMenuSource): Omit<MoveMenuItem, 'label'>[] {
  const items: Omit<MoveMenuItem, 'label'>[] = [
    { key: 'up', toStage: source.stage, index: source.position - 1, disabled: source.position <= 0 },
    {
      key: 'down',
      toStage: source.stage,
      index: source.position + 1,
      disabled: source.position >= source.columnLength - 1,
    },
  ];
  for (const stage of STAGE_IDS) {
    items.push({ key: `stage:${stage}`, toStage: stage, index: 0, disabled: stage === source.stage });
  }
  return items;
}

export function useMoveMenu(source: MaybeRefOrGetter<MoveMenuSource>) {
  const { t } = useI18n();
  // Translated once per language: a move shifts the positions of a column's cards, not the words.
  const labels = computed(() => {
    const byKey = new Map<string, string>([
      ['up', t('board.move.up')],
      ['down', t('board.move.down')],
    ]);
    for (const stage of STAGE_IDS) byKey.set(`stage:${stage}`, t('board.move.toStage', { stage: t(`domain.stage.${stage}`) }));
    return byKey;
  });
  const items = computed<MoveMenuItem[]>(() => {
    const label = labels.value;
    return moveMenuTargets(toValue(source)).map((item) => ({ ...item, label: label.get(item.key) ?? item.key }));
  });
  function find(key: string): MoveMenuItem | undefined {
    return items.value.find((item) => item.key === key && !item.disabled);
  }
  return { items, find };
}
