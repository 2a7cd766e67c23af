using System.Numerics;
using System.Text.Json;
using Nethereum.ABI.ABIDeserialisation;
using Nethereum.Model;
using Nethereum.RLP;
using Nethereum.Signer;
using Nethereum.Util;
using Tokenizer.Chain.Abi;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Serialization;
using Tokenizer.Chain.Tests.Support;
using NethereumAccessListItem = Nethereum.Model.AccessListItem;

namespace Tokenizer.Chain.Tests.CrossChecks;

/// <summary>
/// The ethers vectors once more through Nethereum 6.1, an implementation independent of both ethers and ours; each
/// method returns the number of cases it checked. Ours meets the same vectors in <see cref="VectorChecks"/>, so
/// agreement here makes three implementations agree.
/// </summary>
public static class NethereumVectorChecks
{
    public static int Keccak(string dir)
    {
        var cases = VectorFiles.Load(dir, "keccak.json").EnumerateArray().ToList();
        foreach (var c in cases)
        {
            var input = Hex.Decode(c.GetProperty("input").GetString()!);
            Hex.Encode(Sha3Keccack.Current.CalculateHash(input)).Should().Be(c.GetProperty("hash").GetString(), "keccak of {0} bytes", input.Length);
        }
        return cases.Count;
    }

    public static int Eip55(string dir)
    {
        var cases = VectorFiles.Load(dir, "eip55.json").EnumerateArray().ToList();
        foreach (var c in cases)
        {
            var checksummed = c.GetProperty("checksummed").GetString()!;
            AddressUtil.Current.ConvertToChecksumAddress(c.GetProperty("lower").GetString()!).Should().Be(checksummed);
            AddressUtil.Current.IsChecksumAddress(checksummed).Should().BeTrue(checksummed);
        }
        return cases.Count;
    }

    public static int Rlp(string dir)
    {
        var root = VectorFiles.Load(dir, "rlp.json");
        var n = 0;
        foreach (var c in root.GetProperty("items").EnumerateArray())
        {
            var expected = Hex.Decode(c.GetProperty("encoded").GetString()!);
            Hex.Encode(Encode(c.GetProperty("value"))).Should().Be(c.GetProperty("encoded").GetString());
            var item = ToRlpItem(c.GetProperty("value"));
            FromNethereum(RLP.Decode(expected)).StructurallyEquals(item).Should().BeTrue("Nethereum decode({0})", c.GetProperty("encoded").GetString());
            n++;
        }
        foreach (var c in root.GetProperty("integers").EnumerateArray())
        {
            var value = VectorFiles.Big(c.GetProperty("value"));
            var expected = c.GetProperty("encoded").GetString()!;
            Hex.Encode(RLP.EncodeElement(value.ToBytesForRLPEncoding())).Should().Be(expected, "integer {0}", value);
            RLP.Decode(Hex.Decode(expected)).RLPData.ToBigIntegerFromRLPDecoded().Should().Be(value);
            n++;
        }
        return n;
    }

    private static byte[] Encode(JsonElement e) => e.ValueKind == JsonValueKind.Array
        ? RLP.EncodeList(e.EnumerateArray().Select(Encode).ToArray())
        : RLP.EncodeElement(Hex.Decode(e.GetString()!));

    private static RlpItem ToRlpItem(JsonElement e) => e.ValueKind == JsonValueKind.Array
        ? RlpItem.List(e.EnumerateArray().Select(ToRlpItem))
        : RlpItem.String(Hex.Decode(e.GetString()!));

    // Nethereum gives an empty string as null data.
    private static RlpItem FromNethereum(IRLPElement e) => e is RLPCollection list
        ? RlpItem.List(list.Select(FromNethereum))
        : RlpItem.String(e.RLPData ?? []);

    public static int Abi(string dir)
    {
        var cases = VectorFiles.Load(dir, "abi.json").EnumerateArray().ToList();
        foreach (var c in cases)
        {
            var types = c.GetProperty("types").EnumerateArray().Select(t => AbiType.Parse(t.GetString()!)).ToArray();
            var show = string.Join(",", types.Select(t => t.Canonical));
            var values = c.GetProperty("values").EnumerateArray().ToArray();
            var expected = c.GetProperty("encoded").GetString()!;
            var encoded = NethereumAbi.Encode(types, values.Select((v, i) => NethereumAbi.Value(types[i], v)).ToArray());
            Hex.Encode(encoded).Should().Be(expected, "Nethereum encoding ({0})", show);
            var decoded = NethereumAbi.Decode(types, Hex.Decode(expected));
            var ours = values.Select((v, i) => VectorFiles.ToAbiValue(types[i], v)).ToArray();
            AbiValues.DeepEquals(decoded, ours).Should().BeTrue("Nethereum decoding ({0}) gave {1}", show, AbiValues.Show(decoded));
        }
        return cases.Count;
    }

    public static int Signatures(string dir)
    {
        var cases = VectorFiles.Load(dir, "signatures.json").EnumerateArray().ToList();
        foreach (var c in cases)
        {
            var key = new EthECKey(c.GetProperty("key").GetString()!);
            var hash = Hex.Decode(c.GetProperty("hash").GetString()!);
            var address = c.GetProperty("address").GetString();
            key.GetPublicAddress().Should().Be(address);
            var sig = key.SignAndCalculateV(hash);
            Word(sig.R).Should().Be(c.GetProperty("r").GetString());
            Word(sig.S).Should().Be(c.GetProperty("s").GetString());
            ((int)sig.V.Single()).Should().Be(c.GetProperty("v").GetInt32());
            EthECKey.RecoverFromSignature(sig, hash).GetPublicAddress().Should().Be(address);
        }
        return cases.Count;
    }

    public static int LegacyTransactions(string dir)
    {
        var cases = VectorFiles.Load(dir, "tx-legacy.json").EnumerateArray().ToList();
        foreach (var c in cases)
        {
            var f = c.GetProperty("tx");
            var chainId = VectorFiles.Big(f.GetProperty("chainId"));
            var nonce = VectorFiles.Big(f.GetProperty("nonce"));
            var gasPrice = VectorFiles.Big(f.GetProperty("gasPrice"));
            var gasLimit = VectorFiles.Big(f.GetProperty("gasLimit"));
            var value = VectorFiles.Big(f.GetProperty("value"));
            var to = ReadTo(f);
            var data = Hex.Decode(f.GetProperty("data").GetString()!);
            var tx = new LegacyTransactionChainId(nonce.ToBytesForRLPEncoding(), gasPrice.ToBytesForRLPEncoding(), gasLimit.ToBytesForRLPEncoding(),
                to is null ? [] : Hex.Decode(to), value.ToBytesForRLPEncoding(), data, chainId.ToBytesForRLPEncoding());
            Hex.Encode(tx.RawHash).Should().Be(c.GetProperty("signingHash").GetString());
            var raw = "0x" + new LegacyTransactionSigner().SignTransaction(Hex.Decode(c.GetProperty("key").GetString()!), tx);
            CheckSigned(c, raw, tx.Hash);

            var back = (LegacyTransactionChainId)TransactionFactory.CreateTransaction(Hex.Decode(c.GetProperty("raw").GetString()!));
            back.GetChainIdAsBigInteger().Should().Be(chainId);
            back.Nonce.ToBigIntegerFromRLPDecoded().Should().Be(nonce);
            back.GasPrice.ToBigIntegerFromRLPDecoded().Should().Be(gasPrice);
            back.GasLimit.ToBigIntegerFromRLPDecoded().Should().Be(gasLimit);
            OptionalAddress(back.ReceiveAddress).Should().Be(to?.ToLowerInvariant());
            back.Value.ToBigIntegerFromRLPDecoded().Should().Be(value);
            (back.Data ?? []).Should().Equal(data);
        }
        return cases.Count;
    }

    public static int Eip1559Transactions(string dir)
    {
        var cases = VectorFiles.Load(dir, "tx-eip1559.json").EnumerateArray().ToList();
        foreach (var c in cases)
        {
            var f = c.GetProperty("tx");
            var accessList = f.GetProperty("accessList").EnumerateArray()
                .Select(a => new NethereumAccessListItem(a.GetProperty("address").GetString()!,
                    a.GetProperty("storageKeys").EnumerateArray().Select(k => Hex.Decode(k.GetString()!)).ToList()))
                .ToList();
            var tx = new Transaction1559(VectorFiles.Big(f.GetProperty("chainId")), VectorFiles.Big(f.GetProperty("nonce")),
                VectorFiles.Big(f.GetProperty("maxPriorityFeePerGas")), VectorFiles.Big(f.GetProperty("maxFeePerGas")),
                VectorFiles.Big(f.GetProperty("gasLimit")), ReadTo(f), VectorFiles.Big(f.GetProperty("value")),
                f.GetProperty("data").GetString(), accessList);
            Hex.Encode(tx.RawHash).Should().Be(c.GetProperty("signingHash").GetString());
            var raw = "0x" + new Transaction1559Signer().SignTransaction(new EthECKey(c.GetProperty("key").GetString()!), tx);
            CheckSigned(c, raw, tx.Hash);

            var back = (Transaction1559)TransactionFactory.CreateTransaction(Hex.Decode(c.GetProperty("raw").GetString()!));
            back.ChainId.Should().Be(tx.ChainId);
            back.Nonce.Should().Be(tx.Nonce);
            back.MaxPriorityFeePerGas.Should().Be(tx.MaxPriorityFeePerGas);
            back.MaxFeePerGas.Should().Be(tx.MaxFeePerGas);
            back.GasLimit.Should().Be(tx.GasLimit);
            OptionalAddress(Hex.Decode(back.ReceiverAddress ?? "0x")).Should().Be(tx.ReceiverAddress?.ToLowerInvariant());
            back.Amount.Should().Be(tx.Amount);
            Hex.Decode(back.Data ?? "0x").Should().Equal(Hex.Decode(tx.Data));
            static string Show(NethereumAccessListItem a) => LowerHex(a.Address) + ":" + string.Join(",", a.StorageKeys.Select(k => Hex.Encode(k)));
            (back.AccessList ?? []).Select(Show).Should().Equal(accessList.Select(Show));
        }
        return cases.Count;
    }

    private static string? ReadTo(JsonElement f) => f.GetProperty("to").ValueKind == JsonValueKind.Null ? null : f.GetProperty("to").GetString();

    // Nethereum prints some hex with 0x and some without.
    private static string LowerHex(string hex) => "0x" + hex.ToLowerInvariant().Replace("0x", "", StringComparison.Ordinal);

    private static string? OptionalAddress(byte[]? bytes) => bytes is null || bytes.Length == 0 ? null : Hex.Encode(bytes);

    private static void CheckSigned(JsonElement c, string raw, byte[] hash)
    {
        raw.Should().Be(c.GetProperty("raw").GetString());
        Hex.Encode(hash).Should().Be(c.GetProperty("hash").GetString());
        TransactionVerificationAndRecovery.GetSenderAddress(raw).Should().BeEquivalentTo(c.GetProperty("from").GetString());
    }

    // Nethereum drops leading zero bytes of r and s; the vectors print them as 32-byte words.
    private static string Word(byte[] value) => Hex.Encode(new byte[Math.Max(0, 32 - value.Length)].Concat(value).ToArray());

    /// <summary>The platform's contract artifacts loaded by Nethereum's ABI reader: the selectors, topics and error ids ethers computes.</summary>
    public static int ContractAbis(string dir)
    {
        var path = Path.Combine(dir, "contract-abis.json");
        if (!File.Exists(path))
        {
            return 0;
        }

        var n = 0;
        foreach (var contract in VectorFiles.Load(dir, "contract-abis.json").EnumerateObject())
        {
            using var artifact = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Artifacts, contract.Name)));
            var abi = new ABIJsonDeserialiser().DeserialiseContract(artifact.RootElement.GetProperty("abi").GetRawText());
            static string[] Pairs(JsonElement list, string key) =>
                list.EnumerateArray().Select(e => e.GetProperty("signature").GetString() + " " + e.GetProperty(key).GetString()).Order().ToArray();
            abi.Functions.Select(f => f.Signature + " " + LowerHex(f.Sha3Signature)).Order()
                .Should().Equal(Pairs(contract.Value.GetProperty("functions"), "selector"), contract.Name);
            abi.Events.Select(e => e.Signature + " " + LowerHex(e.Sha3Signature)).Order()
                .Should().Equal(Pairs(contract.Value.GetProperty("events"), "topic"), contract.Name);
            abi.Errors.Select(e => e.Signature + " " + LowerHex(e.Sha3Signature)).Order()
                .Should().Equal(Pairs(contract.Value.GetProperty("errors"), "selector"), contract.Name);
            n += abi.Functions.Length + abi.Events.Length + abi.Errors.Length;
        }
        return n;
    }

    public static int All(string dir) =>
        Keccak(dir) + Eip55(dir) + Rlp(dir) + Abi(dir) + Signatures(dir) + LegacyTransactions(dir) + Eip1559Transactions(dir) + ContractAbis(dir);
}
