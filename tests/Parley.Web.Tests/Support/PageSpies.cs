using Microsoft.Playwright;

namespace Parley.Web.Tests.Support;

/// <summary>
/// Init scripts (run in the page before its own scripts) that record what the page asks of the
/// browser where the browser shows nothing a test can read: notifications, the app badge, the
/// permission prompt. Each wrapper still calls the browser's own function.
/// </summary>
public static class PageSpies
{
    /// <summary>
    /// Records every Notification constructed (title, body, tag, and the object, to click it) in
    /// <c>window.parleyNotifications</c>, and every permission request in <c>window.parleyPermissionAsks</c>.
    /// </summary>
    public const string Notifications = """
        (() => {
          window.parleyNotifications = [];
          window.parleyPermissionAsks = 0;
          const Original = window.Notification;
          if (!Original) return;
          class Recorded extends Original {
            constructor(title, options = {}) {
              super(title, options);
              window.parleyNotifications.push({ title, body: options.body ?? '', tag: options.tag ?? '', notification: this });
            }
          }
          const ask = Original.requestPermission.bind(Original);
          Recorded.requestPermission = (...args) => {
            window.parleyPermissionAsks++;
            return ask(...args);
          };
          window.Notification = Recorded;
        })();
        """;

    /// <summary>Records the counts given to navigator.setAppBadge (0 for clearAppBadge) in <c>window.parleyBadges</c>.</summary>
    public const string AppBadge = """
        (() => {
          window.parleyBadges = [];
          const set = navigator.setAppBadge?.bind(navigator);
          const clear = navigator.clearAppBadge?.bind(navigator);
          navigator.setAppBadge = (count) => {
            window.parleyBadges.push(count);
            return set ? set(count) : Promise.resolve();
          };
          navigator.clearAppBadge = () => {
            window.parleyBadges.push(0);
            return clear ? clear() : Promise.resolve();
          };
        })();
        """;

    /// <summary>
    /// Lets the test hide the page: <c>window.parleySetHidden(true)</c> makes document.visibilityState
    /// "hidden" and fires visibilitychange, as a minimised window or a tab in the background does.
    /// Headless Chromium reports every page visible whatever is in front (a second tab, a minimised
    /// window), so the page's own view of it is what is changed; nothing else is.
    /// </summary>
    public const string Visibility = """
        (() => {
          let hidden = false;
          Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
          Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => hidden });
          window.parleySetHidden = (on) => {
            hidden = on;
            document.dispatchEvent(new Event('visibilitychange'));
          };
        })();
        """;

    public static Task SetHiddenAsync(this WebUser user, bool hidden) => user.Page.EvaluateAsync("on => window.parleySetHidden(on)", hidden);

    /// <summary>The notifications raised so far, as "title | body | tag".</summary>
    public static async Task<string[]> NotificationsAsync(this WebUser user) =>
        await user.Page.EvaluateAsync<string[]>("() => window.parleyNotifications.map(n => `${n.title} | ${n.body} | ${n.tag}`)");

    public static async Task<int[]> BadgesAsync(this WebUser user) =>
        await user.Page.EvaluateAsync<int[]>("() => window.parleyBadges");

    public static async Task AddScriptsAsync(IBrowserContext context, params string[] scripts)
    {
        foreach (var script in scripts)
            await context.AddInitScriptAsync(script);
    }
}
