// The BFS tree as growable typed arrays: each state's parent (4 bytes a state) and the index
// of the transition that first reached it (a byte a state). A path is read back from them.

import { doubled } from "./doubled";
import { Segments } from "./segments";

/** The BFS parents: 4 bytes a state, in segments (nothing copied as it grows). */
export class IntList {
  private readonly a = new Segments();
  push(x: number): void {
    this.a.push(x);
  }
  at(i: number): number {
    return i >= 0 && i < this.a.length ? this.a.at(i) | 0 : -1;
  }
}

/**
 * The index of the transition that reached each state: a byte a state, as a state has
 * fewer than 255 successors but for the rare one whose index is kept aside.
 */
export class ChoiceList {
  private a = new Uint8Array(1024);
  private readonly large = new Map<number, number>();
  length = 0;
  push(x: number): void {
    if (this.length === this.a.length) this.a = doubled(this.a);
    if (x >= 0 && x < 255) this.a[this.length] = x;
    else {
      this.a[this.length] = 255;
      this.large.set(this.length, x);
    }
    this.length++;
  }
  at(i: number): number {
    const x = this.a[i];
    if (x === undefined || i >= this.length) return -1;
    return x === 255 ? (this.large.get(i) ?? -1) : x;
  }
}

/** Each state's BFS parent and the choice that reached it from there. */
export class Tree {
  readonly parent = new IntList();
  readonly choice = new ChoiceList();

  add(parent: number, choice: number): void {
    this.parent.push(parent);
    this.choice.push(choice);
  }

  /** The choices from the initial state to state `i`, then `last` if given. */
  pathTo(i: number, last?: number): number[] {
    const p: number[] = last === undefined ? [] : [last];
    for (let j = i; j > 0; j = this.parent.at(j)) p.push(this.choice.at(j));
    return p.reverse();
  }
}
