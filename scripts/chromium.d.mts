import type { Browser } from 'playwright-core';
export const CHROMIUM: string;
export const CHROMIUM_ARGS: string[];
export function launchChromium(): Promise<Browser>;
export function servePage(entry: string, routes?: (url: string) => { type: string; body: string | Uint8Array } | undefined): Promise<{ url: string; close: () => Promise<void> }>;
