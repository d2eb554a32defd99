namespace Parley.Core.Model;

/// <summary>
/// Messages changed after a change number, as they are now, in the order of their last change;
/// <paramref name="Next"/> is where the next page starts (the last change number this page read).
/// A message changed again while the page was read comes with a newer rev than its place in the
/// order: asking from the highest rev in the page could pass over changes, asking from Next does not.
/// </summary>
public sealed record ChangesPage(IReadOnlyList<StoredMessage> Messages, bool More, long Next);
