using System.Text.Json;
using Parley.Core.Model;
using Parley.Protocol.Json;

namespace Parley.Protocol.Native;

/// <summary>What is done to messages once sent (docs/protocol.md, "Edit, recall, react"): <c>edit</c>, <c>recall</c>, <c>react</c>, and <c>changes</c> to catch up with them.</summary>
internal static class NativeMessageChanges
{
    public static async Task<Reply> Edit(NativeSession s, JsonRequest r)
    {
        var (room, with) = r.Conversation();
        return Changed(s, await s.Hub.EditAsync(s, room, with, r.Integer("seq"), r.String("text")));
    }

    public static async Task<Reply> Recall(NativeSession s, JsonRequest r)
    {
        var (room, with) = r.Conversation();
        return Changed(s, await s.Hub.RecallAsync(s, room, with, r.Integer("seq")));
    }

    public static async Task<Reply> React(NativeSession s, JsonRequest r)
    {
        var (room, with) = r.Conversation();
        return Changed(s, await s.Hub.ReactAsync(s, room, with, r.Integer("seq"), r.String("emoji"), r.OptionalBoolean("on") ?? true));
    }

    public static async Task<Reply> Changes(NativeSession s, JsonRequest r)
    {
        var (room, with) = r.Conversation();
        var limit = r.OptionalInteger("limit");
        var page = await s.Hub.ChangesAsync(s, room, with, r.OptionalInteger("after") ?? 0, limit is { } l ? (int)Math.Min(l, int.MaxValue) : null);
        if (!page.Ok)
            return page.Error!;
        return Reply.With(w =>
        {
            JsonWire.WriteMessages(w, page.Value!.Messages, s.Hub.Links);
            w.WriteBoolean("more", page.Value.More);
            w.WriteNumber("next", page.Value.Next);
        });
    }

    private static Reply Changed(NativeSession s, Result<StoredMessage> result)
    {
        if (!result.Ok)
            return result.Error!;
        return Reply.With(w =>
        {
            w.WriteStartObject(JsonWire.Property.Message);
            JsonWire.WriteMessageFields(w, result.Value!, s.Hub.Links);
            w.WriteEndObject();
        });
    }
}
