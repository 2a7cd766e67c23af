namespace Tokenizer.Chain.Abi;

/// <summary>A parameter of a human-readable signature: type, optional name, and the indexed flag (events).</summary>
public sealed record AbiParameter(AbiType Type, string Name = "", bool Indexed = false)
{
    /// <summary>Tuple component parameters with names, when known (from JSON ABI).</summary>
    public IReadOnlyList<AbiParameter> Components { get; init; } = [];
}

/// <summary>Parses "name(type [indexed] [name], ...)" signatures, tolerant of spaces and parameter names.</summary>
internal static class SignatureParser
{
    private static readonly HashSet<string> Ignored = ["memory", "calldata", "storage", "payable"];

    internal static (string Name, List<AbiParameter> Parameters) Parse(string signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        var s = signature.Trim();
        foreach (var keyword in new[] { "function ", "event ", "error " })
        {
            if (s.StartsWith(keyword, StringComparison.Ordinal))
            {
                s = s[keyword.Length..].TrimStart();
            }
        }

        var open = s.IndexOf('(');
        if (open <= 0 || !s.EndsWith(')'))
        {
            throw new FormatException($"'{signature}' is not a signature like name(type,...).");
        }

        var name = s[..open].Trim();
        if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '$'))
        {
            throw new FormatException($"Invalid name in '{signature}'.");
        }

        var parameters = new List<AbiParameter>();
        foreach (var part in SplitTopLevel(s[(open + 1)..^1]))
        {
            parameters.Add(ParseParameter(part, signature));
        }

        return (name, parameters);
    }

    private static AbiParameter ParseParameter(string text, string signature)
    {
        var t = text.Trim();
        if (t.Length == 0)
        {
            throw new FormatException($"Empty parameter in '{signature}'.");
        }

        int typeEnd;
        if (t[0] == '(' || t.StartsWith("tuple(", StringComparison.Ordinal))
        {
            var depth = 0;
            typeEnd = -1;
            for (var i = 0; i < t.Length; i++)
            {
                if (t[i] == '(')
                {
                    depth++;
                }
                else if (t[i] == ')' && --depth == 0)
                { typeEnd = i + 1; break; }
            }
            if (typeEnd < 0)
            {
                throw new FormatException($"Unbalanced parentheses in '{signature}'.");
            }

            while (typeEnd < t.Length && t[typeEnd] == '[')
            {
                var close = t.IndexOf(']', typeEnd);
                if (close < 0)
                {
                    throw new FormatException($"Unterminated array in '{signature}'.");
                }

                typeEnd = close + 1;
            }
        }
        else
        {
            typeEnd = t.IndexOf(' ');
            if (typeEnd < 0)
            {
                typeEnd = t.Length;
            }
        }
        var type = AbiType.Parse(t[..typeEnd]);
        var indexed = false;
        var name = "";
        foreach (var word in t[typeEnd..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (word == "indexed")
            {
                indexed = true;
            }
            else if (Ignored.Contains(word))
            {
                continue;
            }
            else if (name.Length == 0)
            {
                name = word;
            }
            else
            {
                throw new FormatException($"Unexpected '{word}' in '{signature}'.");
            }
        }
        return new AbiParameter(type, name, indexed);
    }

    internal static IEnumerable<string> SplitTopLevel(string s)
    {
        if (string.IsNullOrWhiteSpace(s))
        {
            yield break;
        }

        var depth = 0;
        var start = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '(')
            {
                depth++;
            }
            else if (s[i] == ')')
            {
                depth--;
            }
            else if (s[i] == ',' && depth == 0)
            {
                yield return s[start..i];
                start = i + 1;
            }
        }
        yield return s[start..];
    }
}
