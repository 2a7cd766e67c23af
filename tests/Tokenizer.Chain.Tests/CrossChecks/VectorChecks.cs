using System.Text.Json;
using Tokenizer.Chain.Abi;
using Tokenizer.Chain.Crypto;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Serialization;
using Tokenizer.Chain.Tests.Support;
using Tokenizer.Chain.Transactions;

namespace Tokenizer.Chain.Tests.CrossChecks;

/// <summary>Checks one directory of ethers-generated vectors; each method returns the number of cases it checked.</summary>
public static class VectorChecks
{
    public static int Keccak(string dir)
    {
        var cases = VectorFiles.Load(dir, "keccak.json").EnumerateArray().ToList();
        Span<byte> buffer = stackalloc byte[32];
        foreach (var c in cases)
        {
            var input = Hex.Decode(c.GetProperty("input").GetString()!);
            var expected = c.GetProperty("hash").GetString();
            Hex.Encode(Keccak256.Hash(input)).Should().Be(expected, "keccak of {0} bytes", input.Length);
            Keccak256.Hash(input, buffer);
            Hex.Encode(buffer).Should().Be(expected);
        }
        return cases.Count;
    }

    public static int Eip55(string dir)
    {
        var cases = VectorFiles.Load(dir, "eip55.json").EnumerateArray().ToList();
        foreach (var c in cases)
        {
            var lower = c.GetProperty("lower").GetString()!;
            var checksummed = c.GetProperty("checksummed").GetString()!;
            Address.Parse(lower).ToString().Should().Be(checksummed);
            Address.Parse(checksummed).ToLowerHex().Should().Be(lower);
            Address.Parse("0x" + lower[2..].ToUpperInvariant()).ToString().Should().Be(checksummed);
        }
        return cases.Count;
    }

    public static int Rlp(string dir)
    {
        var root = VectorFiles.Load(dir, "rlp.json");
        var n = 0;
        foreach (var c in root.GetProperty("items").EnumerateArray())
        {
            var item = ToRlpItem(c.GetProperty("value"));
            var expected = c.GetProperty("encoded").GetString()!;
            Hex.Encode(Serialization.Rlp.Encode(item)).Should().Be(expected);
            Serialization.Rlp.Decode(Hex.Decode(expected)).StructurallyEquals(item).Should().BeTrue("decode({0})", expected);
            n++;
        }
        foreach (var c in root.GetProperty("integers").EnumerateArray())
        {
            var value = VectorFiles.Big(c.GetProperty("value"));
            var expected = c.GetProperty("encoded").GetString()!;
            Hex.Encode(Serialization.Rlp.EncodeInteger(value)).Should().Be(expected);
            Serialization.Rlp.Decode(Hex.Decode(expected)).ToBigInteger().Should().Be(value);
            if (value <= ulong.MaxValue)
            {
                Hex.Encode(Serialization.Rlp.EncodeInteger((ulong)value)).Should().Be(expected);
            }

            n++;
        }
        return n;
    }

    private static RlpItem ToRlpItem(JsonElement e) => e.ValueKind == JsonValueKind.Array
        ? RlpItem.List(e.EnumerateArray().Select(ToRlpItem))
        : RlpItem.String(Hex.Decode(e.GetString()!));

    public static int Abi(string dir)
    {
        var cases = VectorFiles.Load(dir, "abi.json").EnumerateArray().ToList();
        foreach (var c in cases)
        {
            var typeStrings = c.GetProperty("types").EnumerateArray().Select(t => t.GetString()!).ToArray();
            var types = typeStrings.Select(AbiType.Parse).ToArray();
            types.Select(t => t.Canonical).Should().Equal(typeStrings);
            var values = c.GetProperty("values").EnumerateArray().Select((v, i) => VectorFiles.ToAbiValue(types[i], v)).ToArray();
            var expected = c.GetProperty("encoded").GetString()!;
            var encoded = Hex.Encode(Chain.Abi.Abi.Encode(types, values));
            encoded.Should().Be(expected, "encoding ({0})", string.Join(",", typeStrings));
            var decoded = Chain.Abi.Abi.Decode(types, Hex.Decode(expected));
            AbiValues.DeepEquals(decoded, values).Should().BeTrue("decoding ({0}) gave {1}", string.Join(",", typeStrings), AbiValues.Show(decoded));
        }
        return cases.Count;
    }

    public static int Signatures(string dir)
    {
        var cases = VectorFiles.Load(dir, "signatures.json").EnumerateArray().ToList();
        foreach (var c in cases)
        {
            var key = EthKey.FromHex(c.GetProperty("key").GetString());
            var hash = Hex.Decode(c.GetProperty("hash").GetString()!);
            key.Address.ToString().Should().Be(c.GetProperty("address").GetString());
            var sig = key.Sign(hash);
            Hex.Encode(sig.R).Should().Be(c.GetProperty("r").GetString());
            Hex.Encode(sig.S).Should().Be(c.GetProperty("s").GetString());
            ((int)sig.V).Should().Be(c.GetProperty("v").GetInt32());
            sig.Recover(hash).Should().Be(key.Address);
        }
        return cases.Count;
    }

    public static int LegacyTransactions(string dir)
    {
        var cases = VectorFiles.Load(dir, "tx-legacy.json").EnumerateArray().ToList();
        foreach (var c in cases)
        {
            var f = c.GetProperty("tx");
            var tx = new LegacyTransaction
            {
                ChainId = (ulong)VectorFiles.Big(f.GetProperty("chainId")),
                Nonce = (ulong)VectorFiles.Big(f.GetProperty("nonce")),
                GasPrice = VectorFiles.Big(f.GetProperty("gasPrice")),
                GasLimit = (ulong)VectorFiles.Big(f.GetProperty("gasLimit")),
                To = ReadTo(f),
                Value = VectorFiles.Big(f.GetProperty("value")),
                Data = Hex.Decode(f.GetProperty("data").GetString()!),
            };
            CheckSigned(c, tx);
            var decoded = TransactionDecoder.Decode(Hex.Decode(c.GetProperty("raw").GetString()!));
            var back = (LegacyTransaction)decoded.Transaction;
            back.Should().BeEquivalentTo(tx, o => o.ComparingByMembers<LegacyTransaction>());
        }
        return cases.Count;
    }

    public static int Eip1559Transactions(string dir)
    {
        var cases = VectorFiles.Load(dir, "tx-eip1559.json").EnumerateArray().ToList();
        foreach (var c in cases)
        {
            var f = c.GetProperty("tx");
            var tx = new Eip1559Transaction
            {
                ChainId = (ulong)VectorFiles.Big(f.GetProperty("chainId")),
                Nonce = (ulong)VectorFiles.Big(f.GetProperty("nonce")),
                MaxPriorityFeePerGas = VectorFiles.Big(f.GetProperty("maxPriorityFeePerGas")),
                MaxFeePerGas = VectorFiles.Big(f.GetProperty("maxFeePerGas")),
                GasLimit = (ulong)VectorFiles.Big(f.GetProperty("gasLimit")),
                To = ReadTo(f),
                Value = VectorFiles.Big(f.GetProperty("value")),
                Data = Hex.Decode(f.GetProperty("data").GetString()!),
                AccessList = f.GetProperty("accessList").EnumerateArray()
                    .Select(a => new AccessListItem(Address.Parse(a.GetProperty("address").GetString()!),
                        a.GetProperty("storageKeys").EnumerateArray().Select(k => Hash32.Parse(k.GetString()!)).ToArray()))
                    .ToArray(),
            };
            CheckSigned(c, tx);
            var decoded = (Eip1559Transaction)TransactionDecoder.Decode(Hex.Decode(c.GetProperty("raw").GetString()!)).Transaction;
            decoded.Should().BeEquivalentTo(tx, o => o.ComparingByMembers<Eip1559Transaction>().ComparingByMembers<AccessListItem>());
        }
        return cases.Count;
    }

    private static Address? ReadTo(JsonElement f) =>
        f.GetProperty("to").ValueKind == JsonValueKind.Null ? null : Address.Parse(f.GetProperty("to").GetString()!);

    private static void CheckSigned(JsonElement c, ITransaction tx)
    {
        var key = EthKey.FromHex(c.GetProperty("key").GetString());
        Hex.Encode(tx.GetSigningHash()).Should().Be(c.GetProperty("signingHash").GetString());
        var signed = tx.Sign(key);
        signed.RawHex.Should().Be(c.GetProperty("raw").GetString());
        signed.Hash.ToString().Should().Be(c.GetProperty("hash").GetString());
        signed.From.ToString().Should().Be(c.GetProperty("from").GetString());
        var decoded = TransactionDecoder.Decode(signed.Raw);
        decoded.From.Should().Be(key.Address);
        decoded.Hash.Should().Be(signed.Hash);
    }

    /// <summary>The platform's own contract artifacts: every selector, topic and error selector agrees with ethers.</summary>
    public static int ContractAbis(string dir)
    {
        var path = Path.Combine(dir, "contract-abis.json");
        if (!File.Exists(path))
        {
            return 0;
        }

        var artifacts = RepoPaths.Artifacts;
        var n = 0;
        foreach (var contract in VectorFiles.Load(dir, "contract-abis.json").EnumerateObject())
        {
            var abi = AbiContract.Parse(File.ReadAllText(Path.Combine(artifacts, contract.Name)));
            static string[] Pairs(JsonElement list, string key) =>
                list.EnumerateArray().Select(e => e.GetProperty("signature").GetString() + " " + e.GetProperty(key).GetString()).Order().ToArray();
            abi.Functions.Select(f => f.Signature.Signature + " " + Hex.Encode(f.Selector)).Order()
                .Should().Equal(Pairs(contract.Value.GetProperty("functions"), "selector"), contract.Name);
            abi.Events.Select(e => e.Signature + " " + e.Topic0).Order()
                .Should().Equal(Pairs(contract.Value.GetProperty("events"), "topic"), contract.Name);
            abi.Errors.Select(e => e.Signature + " " + Hex.Encode(e.Selector)).Order()
                .Should().Equal(Pairs(contract.Value.GetProperty("errors"), "selector"), contract.Name);
            n += abi.Functions.Count + abi.Events.Count + abi.Errors.Count;
        }
        return n;
    }

    public static int All(string dir) =>
        Keccak(dir) + Eip55(dir) + Rlp(dir) + Abi(dir) + Signatures(dir) + LegacyTransactions(dir) + Eip1559Transactions(dir) + ContractAbis(dir);
}
