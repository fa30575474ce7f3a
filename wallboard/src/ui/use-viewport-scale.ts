import { onScopeDispose, ref, type Ref } from 'vue';

const DESIGN_WIDTH = 1920;

/**
 * The screen's size relative to the 1920×1080 design: 1 on a 1080p wall, 2 on a 4K one. HTML scales through
 * the root font size (see wallboard.css); charts take this factor for their fonts and strokes.
 */
export function useViewportScale(): Ref<number> {
  const read = () => (typeof window === 'undefined' ? 1 : Math.max(0.6, Math.min(3, window.innerWidth / DESIGN_WIDTH)));
  const scale = ref(read());
  if (typeof window !== 'undefined') {
    const onResize = () => {
      const next = read();
      if (Math.abs(next - scale.value) > 0.01) scale.value = next;
    };
    window.addEventListener('resize', onResize);
    onScopeDispose(() => window.removeEventListener('resize', onResize));
  }
  return scale;
}

/** A clock that ticks once a second, for timers and "now" displays. */
export function useNow(periodMs = 1000): Ref<number> {
  const now = ref(Date.now());
  const id = setInterval(() => (now.value = Date.now()), periodMs);
  onScopeDispose(() => clearInterval(id));
  return now;
}
