/**
 * Adds `value` to a short ascending list, keeping it sorted: an insertion, with no comparator sort and no
 * iterator (which allocate without the optimizing compiler, src/v8-flags.ts). For the positions of the few
 * fields an item declares among its kind's dozens, looked up in the item's own key order.
 */
export function insertSorted(list: number[], value: number): void {
  let i = list.length;
  list.push(value);
  while (i > 0 && list[i - 1]! > value) {
    list[i] = list[i - 1]!;
    i--;
  }
  list[i] = value;
}
