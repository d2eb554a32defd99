using System.Globalization;
using Parley.Core.Model;
using Parley.Core.Storage;
using StackExchange.Redis;

namespace Parley.Storage.Redis;

/// <summary>Edits, recalls, reactions and the operator's removals: a changed message moves from its stream into the conversation's revised hash.</summary>
public sealed partial class RedisChatStore
{
    /// <summary>
    /// Applies one change to a message, found in the stream or among the revised ones, and keeps
    /// it in the revised hash (deleting its stream entry, whose text cannot be changed). KEYS: 1
    /// history, 2 revised, 3 change numbers (sorted set), 4 last change number. ARGV: 1 seq, 2 kind
    /// (remove, edit, recall, react), then edit: text, time, mentions (StoredMentions' form, '' for
    /// none); recall: by; react: user, emoji, on
    /// ('1' or ''), most emojis. A removal takes no change number (nobody is told of it). A removal
    /// or a recall takes the files too. Returns nil for no such message, else {1 if changed, the
    /// fields as JSON, the files it took ('' for none)}.
    /// </summary>
    private const string ChangeMessageScript = """
        local id = '0-' .. ARGV[1]
        local entries = redis.call('XRANGE', KEYS[1], id, id)
        local fields
        if #entries > 0 then
          fields = entries[1][2]
        else
          local json = redis.call('HGET', KEYS[2], ARGV[1])
          if not json then return nil end
          fields = cjson.decode(json)
        end
        local function get(name)
          for i = 1, #fields, 2 do if fields[i] == name then return fields[i + 1] end end
          return nil
        end
        local function unset(name)
          for i = 1, #fields, 2 do
            if fields[i] == name then
              table.remove(fields, i)
              table.remove(fields, i)
              return
            end
          end
        end
        local function set(name, value)
          for i = 1, #fields, 2 do
            if fields[i] == name then fields[i + 1] = value return end
          end
          fields[#fields + 1] = name
          fields[#fields + 1] = value
        end
        -- Reactions as StoredReactions writes them: a line per emoji, then a tab and its users.
        local function react(text, user, emoji, on, most)
          local lines, found, count = {}, false, 0
          for line in string.gmatch(text, '[^\n]+') do
            count = count + 1
            local tab = string.find(line, '\t', 1, true)
            local e = string.sub(line, 1, tab - 1)
            if e == emoji then
              found = true
              local users, has = {}, false
              for u in string.gmatch(string.sub(line, tab + 1), '%S+') do
                if string.lower(u) == string.lower(user) then has = true else users[#users + 1] = u end
              end
              if has == on then return nil end
              if on then users[#users + 1] = user end
              if #users > 0 then lines[#lines + 1] = e .. '\t' .. table.concat(users, ' ') end
            else
              lines[#lines + 1] = line
            end
          end
          if not found then
            if not on or count >= most then return nil end
            lines[#lines + 1] = emoji .. '\t' .. user
          end
          return table.concat(lines, '\n')
        end
        local kind = ARGV[2]
        local changed = true
        local took = ''
        if kind == 'remove' then
          took = get('files') or ''
          set('text', '')
          unset('files')
        elseif (get('text') or '') == '' and not get('files') then
          -- Recalled, or removed by the operator: nothing left to change.
          changed = false
        elseif kind == 'edit' then
          set('text', ARGV[3])
          set('edited', ARGV[4])
          if ARGV[5] == '' then unset('mentions') else set('mentions', ARGV[5]) end
        elseif kind == 'recall' then
          took = get('files') or ''
          set('text', '')
          unset('files')
          set('recalled', ARGV[3])
          unset('reactions')
          unset('mentions')
          unset('replyTo')
        else
          local after = react(get('reactions') or '', ARGV[3], ARGV[4], ARGV[5] == '1', tonumber(ARGV[6]))
          if after then set('reactions', after) else changed = false end
        end
        if changed then
          if kind ~= 'remove' then
            local rev = redis.call('INCR', KEYS[4])
            set('rev', tostring(rev))
            redis.call('ZADD', KEYS[3], rev, ARGV[1])
          end
          redis.call('HSET', KEYS[2], ARGV[1], cjson.encode(fields))
          if #entries > 0 then redis.call('XDEL', KEYS[1], id) end
        end
        return {changed and 1 or 0, cjson.encode(fields), took}
        """;

    public async Task<bool> RemoveMessageAsync(string conversation, long seq) =>
        await ChangeAsync(conversation, seq, ["remove"]).ConfigureAwait(false) is not null;

    public Task<ChangedMessage?> ChangeMessageAsync(string conversation, long seq, MessageChange change) =>
        ChangeAsync(conversation, seq, change switch
        {
            EditChange edit => ["edit", edit.Text, edit.At.ToUnixTimeMilliseconds(), StoredMentions.Encode(edit.Mentions, edit.MentionsAll) ?? ""],
            RecallChange recall => ["recall", recall.By],
            ReactChange react => ["react", react.User, react.Emoji, react.On ? "1" : "", react.MaxEmojis],
            _ => throw new ArgumentOutOfRangeException(nameof(change)),
        });

    private async Task<ChangedMessage?> ChangeAsync(string conversation, long seq, RedisValue[] change)
    {
        var result = await Script(ChangeMessageScript,
            [Keys.History(conversation), Keys.Revised(conversation), Keys.Revs(conversation), Keys.LastRev(conversation)],
            [seq, .. change]).ConfigureAwait(false);
        if (result.IsNull)
            return null;
        var parts = (RedisResult[])result!;
        if (StoredAttachments.Decode((string?)parts[2]) is { } took)
            await ForgetFilesAsync(took.Select(a => a.Id)).ConfigureAwait(false);
        return new ChangedMessage(ToMessage(conversation, seq, Fields((string)parts[1]!)), (long)parts[0] == 1);
    }

    public Task<StoredMessage?> FindMessageAsync(string conversation, long seq) =>
        Call(async db =>
        {
            var id = "0-" + seq.ToString(CultureInfo.InvariantCulture);
            var entries = await db.StreamRangeAsync(Keys.History(conversation), id, id).ConfigureAwait(false);
            if (entries.Length > 0)
                return ToMessage(conversation, entries[0]);
            var revised = await db.HashGetAsync(Keys.Revised(conversation), seq).ConfigureAwait(false);
            return revised.IsNull ? null : ToMessage(conversation, seq, Fields((string)revised!));
        });

    public Task<ChangesPage> ChangesAfterAsync(string conversation, long afterRev, int limit) =>
        Call(async db =>
        {
            limit = Math.Max(limit, 0);
            var changed = await db.SortedSetRangeByScoreWithScoresAsync(Keys.Revs(conversation), afterRev, double.PositiveInfinity, Exclude.Start,
                skip: 0, take: limit + 1).ConfigureAwait(false);
            var page = changed.Take(limit).ToArray();
            var values = page.Length == 0 ? [] : await db.HashGetAsync(Keys.Revised(conversation), page.Select(c => c.Element).ToArray()).ConfigureAwait(false);
            var messages = page.Zip(values)
                .Where(p => !p.Second.IsNull)
                .Select(p => ToMessage(conversation, (long)p.First.Element, Fields((string)p.Second!)))
                .ToList();
            return new ChangesPage(messages, changed.Length > limit, page.Length > 0 ? (long)page[^1].Score : afterRev);
        });
}
