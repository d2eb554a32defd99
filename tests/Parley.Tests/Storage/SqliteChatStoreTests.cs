using Parley.Core.Storage;
using Parley.Storage.Sqlite;

namespace Parley.Tests.Storage;

public sealed class SqliteChatStoreTests : ChatStoreContract
{
    protected override IChatStore CreateStore(string directory) =>
        new SqliteChatStore(new SqliteStoreOptions { Path = Path.Combine(directory, "parley.db") });
}
