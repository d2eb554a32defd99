namespace Parley.Storage.Redis;

/// <summary>
/// The Lua scripts behind every write that touches more than one key, so that each such write is
/// atomic: Redis runs a script alone, and several Parley processes sharing one Redis see either
/// all of its effects or none. A script changes nothing before its last check, so a failing one
/// leaves no partial state. Every key a script touches is passed in KEYS, built by
/// <see cref="RedisKeys"/>. They are sent with EVAL every time (see <c>RedisChatStore.ScriptFlags</c>).
/// </summary>
internal static class RedisScripts
{
    /// <summary>
    /// Gives a message the next seq of its conversation, stores it, registers a direct
    /// conversation for both users and, when a channel is given, publishes it.
    /// KEYS: 1 last seq (string), 2 history (stream), 3 revised messages (hash), 4 sender's directs,
    /// 5 recipient's directs (hashes; DMs only).
    /// ARGV: 1 conversation, 2 id, 3 ts (Unix ms), 4 from, 5 room, 6 to, 7 text (''= none for room/to),
    /// 8 channel ('' = publish nothing), 9 node, 10 session, 11 client tags, 12 notice, 13 bot ('1' or ''):
    /// 11 to 13 are published (a message's <c>LiveExtras</c>), never stored; 14 system ('1' for a
    /// room's system line, stored as the field <c>system</c>, or ''); 15 replyTo, 16 mentions,
    /// 17 attachments (<c>StoredAttachments</c>' form, stored as the field <c>files</c>), each '' for none.
    /// The ts stored is ARGV 3 or, if the conversation's latest message has a later one (a node's
    /// clock stepped back, or runs behind another's), that one: ts never decreases as seq increases.
    /// The latest message is in the revised hash if it was changed since (edited, reacted to,
    /// recalled: the stream no longer has it), else the stream's newest entry.
    /// Returns {seq, ts}.
    /// </summary>
    public const string Append = """
        local seq = tonumber(redis.call('GET', KEYS[1]) or '0') + 1
        local ts = ARGV[3]
        local entry = nil
        local revised = seq > 1 and redis.call('HGET', KEYS[3], seq - 1)
        if revised then
          entry = cjson.decode(revised)
        else
          local newest = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)[1]
          if newest then entry = newest[2] end
        end
        if entry then
          for i = 1, #entry, 2 do
            if entry[i] == 'ts' then
              if tonumber(entry[i + 1]) > tonumber(ts) then ts = entry[i + 1] end
              break
            end
          end
        end
        local fields = {'id', ARGV[2], 'ts', ts, 'from', ARGV[4], 'text', ARGV[7]}
        if ARGV[5] ~= '' then
          fields[#fields + 1] = 'room'
          fields[#fields + 1] = ARGV[5]
        end
        if ARGV[6] ~= '' then
          fields[#fields + 1] = 'to'
          fields[#fields + 1] = ARGV[6]
        end
        if ARGV[14] == '1' then
          fields[#fields + 1] = 'system'
          fields[#fields + 1] = '1'
        end
        if ARGV[15] ~= '' then
          fields[#fields + 1] = 'replyTo'
          fields[#fields + 1] = ARGV[15]
        end
        if ARGV[16] ~= '' then
          fields[#fields + 1] = 'mentions'
          fields[#fields + 1] = ARGV[16]
        end
        if ARGV[17] ~= '' then
          fields[#fields + 1] = 'files'
          fields[#fields + 1] = ARGV[17]
        end
        redis.call('XADD', KEYS[2], '0-' .. seq, unpack(fields))
        redis.call('SET', KEYS[1], seq)
        if #KEYS == 5 then
          redis.call('HSETNX', KEYS[4], ARGV[1], ARGV[6])
          redis.call('HSETNX', KEYS[5], ARGV[1], ARGV[4])
        end
        if ARGV[8] ~= '' then
          local function optional(value)
            if value == '' then return cjson.null end
            return value
          end
          redis.call('PUBLISH', ARGV[8], cjson.encode({
            node = optional(ARGV[9]), session = optional(ARGV[10]),
            conv = ARGV[1], seq = seq, id = ARGV[2], ts = tonumber(ts),
            from = ARGV[4], room = optional(ARGV[5]), to = optional(ARGV[6]), text = ARGV[7], tags = optional(ARGV[11]),
            notice = ARGV[12] == '1' or cjson.null, bot = ARGV[13] == '1' or cjson.null, system = ARGV[14] == '1' or cjson.null,
            replyTo = tonumber(ARGV[15]) or cjson.null, mentions = optional(ARGV[16]), files = optional(ARGV[17])}))
        end
        return {seq, ts}
        """;

    /// <summary>
    /// The membership step shared by the scripts below: adds a user to a room and, when it was not a
    /// member, moves its read position to the room's last seq (what was said before it joined is
    /// history, not unread; a read position is never above the last seq, so this sets it). Arguments: members set, user's rooms set, user's reads hash, room's
    /// last-seq key, user key, room key, room conversation.
    /// </summary>
    private const string AddMemberFunction = """
        local function add_member(members, user_rooms, reads, last_seq, user, room, conv)
          if redis.call('SADD', members, user) == 0 then return 0 end
          redis.call('SADD', user_rooms, room)
          local last = tonumber(redis.call('GET', last_seq) or '0')
          -- Set, not raised: a mark left from a deleted room of the same name may be above last.
          if last ~= tonumber(redis.call('HGET', reads, conv) or '0') then
            redis.call('HSET', reads, conv, last)
          end
          return 1
        end
        """;

    /// <summary>
    /// KEYS: 1 members, 2 user's rooms, 3 user's reads, 4 room's last seq. ARGV: 1 user key, 2 room key, 3 room conversation.
    /// Returns 1 when added, 0 when already a member.
    /// </summary>
    public const string AddMember = AddMemberFunction + "\n" + """
        return add_member(KEYS[1], KEYS[2], KEYS[3], KEYS[4], ARGV[1], ARGV[2], ARGV[3])
        """;

    /// <summary>KEYS: 1 members, 2 user's rooms. ARGV: 1 user key, 2 room key.</summary>
    public const string RemoveMember = """
        redis.call('SREM', KEYS[1], ARGV[1])
        redis.call('SREM', KEYS[2], ARGV[2])
        return 0
        """;

    /// <summary>
    /// Deletes a room with its memberships, messages and read positions.
    /// KEYS: 1 rooms set, 2 room hash, 3 members, 4 history, 5 last seq, 6 revised messages, 7 their
    /// change numbers, 8 the last change number, then per member its rooms, reads and read times.
    /// ARGV: 1 room key, 2 room conversation.
    /// </summary>
    public const string DeleteRoom = """
        redis.call('SREM', KEYS[1], ARGV[1])
        redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8])
        for i = 9, #KEYS, 3 do
          redis.call('SREM', KEYS[i], ARGV[1])
          redis.call('HDEL', KEYS[i + 1], ARGV[2])
          redis.call('HDEL', KEYS[i + 2], ARGV[2])
        end
        return 0
        """;

    /// <summary>
    /// Creates a user (and its place in the directory's index), and its membership of a first room when KEYS 4–7 are given.
    /// KEYS: 1 users set, 2 user hash, 3 user index (sorted set), [4 members, 5 user's rooms, 6 user's reads, 7 room's last seq].
    /// ARGV: 1 user key, 2 name, 3 password hash, 4 created, [5 room key, 6 room conversation].
    /// Returns 1 when created, 0 when the user key is taken.
    /// </summary>
    public const string CreateUser = AddMemberFunction + "\n" + """
        if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
        redis.call('HSET', KEYS[2], 'name', ARGV[2], 'password_hash', ARGV[3], 'created', ARGV[4])
        redis.call('ZADD', KEYS[3], 0, ARGV[1])
        if #KEYS == 7 then
          add_member(KEYS[4], KEYS[5], KEYS[6], KEYS[7], ARGV[1], ARGV[5], ARGV[6])
        end
        return 1
        """;

    /// <summary>
    /// Creates a room with its first members. KEYS: 1 rooms set, 2 room hash, 3 members, 4 room's
    /// last seq, then per member i: 3 + 2i user's rooms, 4 + 2i user's reads.
    /// ARGV: 1 room key, 2 name, 3 topic, 4 created, 5 room conversation, then per member i: 5 + i user key.
    /// Returns 1 when created, 0 when the room key is taken.
    /// </summary>
    public const string CreateRoom = AddMemberFunction + "\n" + """
        if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
        redis.call('HSET', KEYS[2], 'name', ARGV[2], 'topic', ARGV[3], 'created', ARGV[4])
        for i = 1, #ARGV - 5 do
          add_member(KEYS[3], KEYS[3 + 2 * i], KEYS[4 + 2 * i], KEYS[4], ARGV[5 + i], ARGV[1], ARGV[5])
        end
        return 1
        """;

    /// <summary>Sets hash fields only when the hash exists (an UPDATE). KEYS: 1 hash. ARGV: field, value pairs.</summary>
    public const string UpdateExisting = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
        redis.call('HSET', KEYS[1], unpack(ARGV))
        return 1
        """;

    /// <summary>
    /// Moves a read position forward, never backward and never past the conversation's last seq.
    /// KEYS: 1 user's reads, 2 conversation's last seq. ARGV: 1 conversation, 2 seq.
    /// </summary>
    public const string SetRead = """
        local last = tonumber(redis.call('GET', KEYS[2]) or '0')
        local target = math.min(tonumber(ARGV[2]), last)
        local current = redis.call('HGET', KEYS[1], ARGV[1])
        if current == false or target > tonumber(current) then
          redis.call('HSET', KEYS[1], ARGV[1], target)
        end
        return 0
        """;

    /// <summary>
    /// Shared by the read-mark scripts: the time (Unix ms) of the message at <c>seq</c> or the
    /// latest before it in a history stream, or nil when there is none.
    /// </summary>
    private const string MessageTimeFunction = """
        local function message_time(history, seq)
          if seq <= 0 then return nil end
          local entry = redis.call('XREVRANGE', history, '0-' .. seq, '-', 'COUNT', 1)[1]
          if entry == nil then return nil end
          local fields = entry[2]
          for j = 1, #fields, 2 do
            if fields[j] == 'ts' then return tonumber(fields[j + 1]) end
          end
          return nil
        end
        local function read_mark(reads, times, history, conv)
          local seq = tonumber(redis.call('HGET', reads, conv) or '0')
          local marked = tonumber(redis.call('HGET', times, conv) or '0')
          local at = message_time(history, seq) or 0
          return {seq, math.max(marked, at)}
        end
        """;

    /// <summary>
    /// Moves a read time forward (never backward), and the read seq to the last message stored at
    /// or before it (never backward): a binary search of the history between the current read
    /// seq and the last one, whose times grow with seq.
    /// KEYS: 1 user's reads, 2 user's read times, 3 conversation's last seq, 4 history.
    /// ARGV: 1 conversation, 2 time (Unix ms).
    /// Returns the read seq and its time (Unix ms; 0 when none), as <see cref="Core.Model.ReadMark"/> does.
    /// </summary>
    public const string MarkReadAt = MessageTimeFunction + "\n" + """
        local time = tonumber(ARGV[2])
        local lo = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
        local hi = tonumber(redis.call('GET', KEYS[3]) or '0')
        local found = lo
        while lo < hi do
          local mid = math.floor((lo + hi + 1) / 2)
          local at = message_time(KEYS[4], mid)
          if at ~= nil and at <= time then
            found = mid
            lo = mid
          else
            hi = mid - 1
          end
        end
        if found > tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0') then
          redis.call('HSET', KEYS[1], ARGV[1], found)
        end
        if time > tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0') then
          redis.call('HSET', KEYS[2], ARGV[1], time)
        end
        return read_mark(KEYS[1], KEYS[2], KEYS[4], ARGV[1])
        """;

    /// <summary>
    /// A user's read seq and its time: the later of the time marked and the time of the message read.
    /// KEYS: 1 user's reads, 2 user's read times, 3 history. ARGV: 1 conversation.
    /// Returns the read seq and the time (Unix ms; 0 when none).
    /// </summary>
    public const string GetReadMark = MessageTimeFunction + "\n" + """
        return read_mark(KEYS[1], KEYS[2], KEYS[3], ARGV[1])
        """;

    /// <summary>
    /// One user's last seq, read seq, unread count, latest message time and unread mention count
    /// per conversation, read at one instant. Unread counts messages by others after the read
    /// position. To keep the script short however far behind a user is (it blocks Redis while it
    /// runs), only the first ARGV[2] seqs past the read position are looked at; beyond them every
    /// message counts, the user's own included. A changed message is no longer in the stream but in
    /// the conversation's revised hash, where the seqs the stream lacks in that window are looked
    /// up. Mentioned counts, in the same window, the messages from others whose mentions name the
    /// user or are <c>@all</c>.
    /// KEYS: 1 user's reads, then per conversation i: 3i - 1 last seq, 3i history, 3i + 1 revised.
    /// ARGV: 1 user key, 2 cap, then per conversation i: 2 + i conversation.
    /// Returns last, read, unread, the latest message's ts (Unix ms; 0 when there is none) and
    /// mentioned for each conversation in order.
    /// </summary>
    public const string Conversations = """
        local user = ARGV[1]
        local function field(fields, name)
          for j = 1, #fields, 2 do
            if fields[j] == name then return fields[j + 1] end
          end
          return nil
        end
        local result = {}
        for i = 1, #ARGV - 2 do
          local last_key, history, revised = KEYS[3 * i - 1], KEYS[3 * i], KEYS[3 * i + 1]
          local last = tonumber(redis.call('GET', last_key) or '0')
          local read = tonumber(redis.call('HGET', KEYS[1], ARGV[2 + i]) or '0')
          local unread = 0
          local mentioned = 0
          if last > read then
            local window_end = math.min(last, read + tonumber(ARGV[2]))
            local start = '-'
            if read > 0 then start = '(0-' .. read end
            local in_stream = {}
            for _, entry in ipairs(redis.call('XRANGE', history, start, '0-' .. window_end)) do
              in_stream[tonumber(string.match(entry[1], '%-(%d+)$'))] = entry[2]
            end
            unread = last - window_end
            for seq = read + 1, window_end do
              local fields = in_stream[seq]
              if not fields then
                local json = redis.call('HGET', revised, seq)
                if json then fields = cjson.decode(json) end
              end
              if fields then
                local from = string.lower(field(fields, 'from') or '')
                if from ~= user then
                  unread = unread + 1
                  local mentions = field(fields, 'mentions')
                  if mentions and (string.sub(mentions, 1, 1) == '*'
                      or string.find(' ' .. string.lower(mentions) .. ' ', ' ' .. user .. ' ', 1, true)) then
                    mentioned = mentioned + 1
                  end
                end
              end
            end
          end
          local ts = 0
          if last > 0 then
            local newest = redis.call('XREVRANGE', history, '+', '-', 'COUNT', 1)[1]
            local fields = nil
            -- The latest message may have been changed since, and so be in the revised hash.
            local json = redis.call('HGET', revised, last)
            if json then fields = cjson.decode(json) elseif newest then fields = newest[2] end
            if fields then ts = tonumber(field(fields, 'ts') or '0') end
          end
          result[#result + 1] = last
          result[#result + 1] = read
          result[#result + 1] = unread
          result[#result + 1] = ts
          result[#result + 1] = mentioned
        end
        return result
        """;
}
