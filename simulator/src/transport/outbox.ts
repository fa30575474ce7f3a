import type { Emitted } from '../engine/types';

/** Generated facts waiting for their upload time, earliest first (a binary heap on deliverAt, then order). */
export class Outbox {
  private heap: { e: Emitted; n: number }[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(e: Emitted): void {
    this.heap.push({ e, n: this.seq++ });
    let i = this.heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      [this.heap[i], this.heap[p]] = [this.heap[p], this.heap[i]];
      i = p;
    }
  }

  /** Earliest upload time waiting, or +∞. */
  minDeliverAt(): number {
    return this.heap.length > 0 ? this.heap[0].e.deliverAt : Infinity;
  }

  /** Removes and returns up to `max` facts due by `now`, in upload order. */
  popDue(now: number, max: number): Emitted[] {
    const out: Emitted[] = [];
    while (out.length < max && this.heap.length > 0 && this.heap[0].e.deliverAt <= now) out.push(this.pop());
    return out;
  }

  private pop(): Emitted {
    const top = this.heap[0];
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.heap.length && this.less(l, m)) m = l;
        if (r < this.heap.length && this.less(r, m)) m = r;
        if (m === i) break;
        [this.heap[i], this.heap[m]] = [this.heap[m], this.heap[i]];
        i = m;
      }
    }
    return top.e;
  }

  private less(a: number, b: number): boolean {
    const x = this.heap[a];
    const y = this.heap[b];
    return x.e.deliverAt < y.e.deliverAt || (x.e.deliverAt === y.e.deliverAt && x.n < y.n);
  }
}
