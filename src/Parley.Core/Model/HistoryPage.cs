namespace Parley.Core.Model;

public sealed record HistoryPage(IReadOnlyList<StoredMessage> Messages, bool More);
