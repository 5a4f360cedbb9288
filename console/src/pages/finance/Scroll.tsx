import type { ComponentChildren } from "preact";

/** A wide table that scrolls sideways on a phone: a named region the keyboard can reach and scroll. */
export function Scroll({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="table-scroll" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
