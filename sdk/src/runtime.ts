/**
 * The only place the client touches platform globals (browser or Node). Typed structurally so
 * the package compiles without the DOM lib and runs where a global is missing.
 */

/** The subset of `fetch` the client uses; the global `fetch` satisfies it. */
export type FetchLike = (
  url: string,
  init?: {
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    signal?: AbortSignal;
    keepalive?: boolean;
  },
) => Promise<{
  ok: boolean;
  status: number;
  headers: { get(name: string): string | null };
  json(): Promise<unknown>;
}>;

/** The subset of the Web Storage API used to persist the last good config. */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

interface EventTargetLike {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

interface BrowserGlobals {
  fetch?: FetchLike;
  localStorage?: StorageLike;
  navigator?: { sendBeacon?: (url: string, data: string) => boolean };
  document?: EventTargetLike & { visibilityState?: string };
  window?: EventTargetLike;
  crypto?: { getRandomValues?: (array: Uint8Array) => Uint8Array };
  AbortSignal?: { timeout?: (ms: number) => AbortSignal };
}

const g = globalThis as unknown as BrowserGlobals;

/** True in a browser page (a `window` and a `document`), false in Node and workers. */
export function isBrowser(): boolean {
  return !!(g.window && g.document);
}

/** The global fetch, if any. */
export function defaultFetch(): FetchLike | undefined {
  return g.fetch?.bind(globalThis);
}

/**
 * `localStorage` when it exists and can be read (reading it throws in some sandboxed iframes).
 * Nothing is written here: the client writes only after consent; each use is guarded.
 */
export function defaultStorage(): StorageLike | null {
  try {
    const storage = g.localStorage;
    return storage?.getItem ? storage : null;
  } catch {
    return null;
  }
}

/** `navigator.sendBeacon` bound to navigator, when available (browsers). */
export function beaconSender(): ((url: string, data: string) => boolean) | null {
  const nav = g.navigator;
  return nav?.sendBeacon?.bind(nav) ?? null;
}

/**
 * Register `onHide` for `pagehide` and for `visibilitychange` to hidden (browsers only).
 * Returns a function that removes the listeners.
 */
export function onPageHide(onHide: () => void): () => void {
  const doc = g.document;
  const win = g.window;
  if (!doc || !win?.addEventListener) return () => {};
  const onVisibility = () => {
    if (doc.visibilityState === "hidden") onHide();
  };
  doc.addEventListener("visibilitychange", onVisibility);
  win.addEventListener("pagehide", onHide);
  return () => {
    doc.removeEventListener("visibilitychange", onVisibility);
    win.removeEventListener("pagehide", onHide);
  };
}

/**
 * A random RFC 4122 version 4 UUID: one random byte (crypto.getRandomValues, which pages served
 * over plain http have too; else Math.random) per hex digit of the template, with the version
 * digit 4 and the variant digit 8-b fixed (`x ^ (r & 15 >> x / 4)` keeps 8's top bit).
 */
export function randomId(): string {
  let i = 0;
  const bytes = g.crypto?.getRandomValues?.(new Uint8Array(31));
  return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (d) =>
    (+d ^ ((bytes ? bytes[i++]! : Math.random() * 256) & (15 >> (+d / 4)))).toString(16),
  );
}

/** A timer that does not keep a Node process alive. */
export function unrefTimer(timer: ReturnType<typeof setTimeout>): void {
  (timer as { unref?: () => void }).unref?.();
}

/** An abort signal that fires after `ms`, where `AbortSignal.timeout` exists (else none). */
export function timeoutSignal(ms: number): AbortSignal | undefined {
  return g.AbortSignal?.timeout?.(ms);
}
