// The session token lives in localStorage: it survives a reload, and it is never put in a URL.
const KEY = 'parley.token';

export const loadToken = () => localStorage.getItem(KEY);
export const saveToken = (token) => localStorage.setItem(KEY, token);
export const clearToken = () => localStorage.removeItem(KEY);
