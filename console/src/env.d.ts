/** True only in the dev build (vite build --mode dev): the dev sign-in page against the local stack. */
declare const __DEV_SIGNIN__: boolean;
