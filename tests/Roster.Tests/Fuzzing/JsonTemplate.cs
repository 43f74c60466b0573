using System.Text;
using System.Text.Json;

namespace Roster.Tests.Fuzzing;

/// <summary>
/// A JSON body as a tree whose leaves are raw bytes, so that any leaf can be swapped for a hostile value that is not
/// valid JSON (1e400, a lone surrogate escape, invalid UTF-8) and members can be repeated (duplicate keys), which a
/// JSON serializer would never write.
/// </summary>
public abstract record JsonTemplate
{
    /// <summary>The body's bytes.</summary>
    public byte[] ToBytes()
    {
        using var stream = new MemoryStream();
        Write(stream);
        return stream.ToArray();
    }

    /// <summary>Every value of the tree with its path (member names and indexes) and the name it is known by (its member's, or its array's).</summary>
    public IEnumerable<JsonSlot> Slots() => Slots(this, [], "", "body");

    /// <summary>The same tree with the value at <paramref name="path"/> replaced.</summary>
    public JsonTemplate Replace(IReadOnlyList<object> path, JsonTemplate value) => Replace(this, path, 0, value);

    /// <summary>The same tree with the object at <paramref name="path"/> carrying <paramref name="key"/> once more, with <paramref name="value"/>.</summary>
    public JsonTemplate Duplicate(IReadOnlyList<object> path, string key, JsonTemplate value) => Duplicate(this, path, 0, key, value);

    protected abstract void Write(Stream stream);

    private static IEnumerable<JsonSlot> Slots(JsonTemplate node, List<object> path, string display, string name)
    {
        if (path.Count > 0)
        {
            yield return new JsonSlot([.. path], display, name, node);
        }

        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.Members)
                {
                    foreach (var slot in Slots(value, [.. path, key], display.Length == 0 ? key : $"{display}.{key}", key))
                    {
                        yield return slot;
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Items.Count; i++)
                {
                    foreach (var slot in Slots(array.Items[i], [.. path, i], $"{display}[{i}]", name))
                    {
                        yield return slot;
                    }
                }

                break;
        }
    }

    private static JsonTemplate Replace(JsonTemplate node, IReadOnlyList<object> path, int depth, JsonTemplate value)
    {
        if (depth == path.Count)
        {
            return value;
        }

        return (node, path[depth]) switch
        {
            (JsonObject obj, string key) => new JsonObject([.. obj.Members.Select(member => member.Key == key ? new KeyValuePair<string, JsonTemplate>(key, Replace(member.Value, path, depth + 1, value)) : member)]),
            (JsonArray array, int index) => new JsonArray([.. array.Items.Select((item, i) => i == index ? Replace(item, path, depth + 1, value) : item)]),
            _ => throw new InvalidOperationException("A path that does not fit the tree."),
        };
    }

    private static JsonTemplate Duplicate(JsonTemplate node, IReadOnlyList<object> path, int depth, string key, JsonTemplate value)
    {
        if (depth == path.Count)
        {
            var obj = (JsonObject)node;
            return new JsonObject([.. obj.Members, new KeyValuePair<string, JsonTemplate>(key, value)]);
        }

        return (node, path[depth]) switch
        {
            (JsonObject obj, string member) => new JsonObject([.. obj.Members.Select(m => m.Key == member ? new KeyValuePair<string, JsonTemplate>(member, Duplicate(m.Value, path, depth + 1, key, value)) : m)]),
            (JsonArray array, int index) => new JsonArray([.. array.Items.Select((item, i) => i == index ? Duplicate(item, path, depth + 1, key, value) : item)]),
            _ => throw new InvalidOperationException("A path that does not fit the tree."),
        };
    }
}

/// <summary>A leaf: the bytes of one JSON value, valid or not.</summary>
public sealed record JsonRaw(byte[] Bytes) : JsonTemplate
{
    public static JsonRaw Of(string jsonText) => new(Encoding.UTF8.GetBytes(jsonText));

    /// <summary>A JSON string of <paramref name="text"/>, escaped as a serializer would.</summary>
    public static JsonRaw Text(string text) => new(JsonSerializer.SerializeToUtf8Bytes(text));

    protected override void Write(Stream stream) => stream.Write(Bytes);
}

/// <summary>An object, members in order; a key may appear twice.</summary>
public sealed record JsonObject(IReadOnlyList<KeyValuePair<string, JsonTemplate>> Members) : JsonTemplate
{
    protected override void Write(Stream stream)
    {
        stream.WriteByte((byte)'{');
        for (var i = 0; i < Members.Count; i++)
        {
            if (i > 0)
            {
                stream.WriteByte((byte)',');
            }

            stream.Write(JsonSerializer.SerializeToUtf8Bytes(Members[i].Key));
            stream.WriteByte((byte)':');
            stream.Write(Members[i].Value.ToBytes());
        }

        stream.WriteByte((byte)'}');
    }
}

/// <summary>An array.</summary>
public sealed record JsonArray(IReadOnlyList<JsonTemplate> Items) : JsonTemplate
{
    protected override void Write(Stream stream)
    {
        stream.WriteByte((byte)'[');
        for (var i = 0; i < Items.Count; i++)
        {
            if (i > 0)
            {
                stream.WriteByte((byte)',');
            }

            stream.Write(Items[i].ToBytes());
        }

        stream.WriteByte((byte)']');
    }
}

/// <summary>One value in a body: where it is, how a report names it (<c>checks[0].userId</c>), the member name it is known by.</summary>
public sealed record JsonSlot(IReadOnlyList<object> Path, string Display, string Name, JsonTemplate Value);
