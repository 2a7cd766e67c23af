using Tokenizer.Chain.Abi;

namespace Tokenizer.Chain.Tests.Rpc;

/// <summary>
/// A hand-assembled contract for the RPC tests: called with (address to, uint256 value) it emits an ERC-20 shaped
/// Transfer(msg.sender, to, value); called with empty data it reverts with Error("nope").
/// </summary>
public static class EmitterContract
{
    public static byte[] CreationCode()
    {
        var revertData = Abi.Abi.EncodeCall("Error(string)", "nope"); // 100 bytes
        var runtime = new List<byte>();
        runtime.AddRange([0x36, 0x15, 0x60, 0x36, 0x57]);                 // CALLDATASIZE ISZERO PUSH1 revert JUMPI
        runtime.AddRange([0x60, 0x20, 0x35, 0x60, 0x00, 0x52]);           // mem[0] = calldata[32..64] (value)
        runtime.AddRange([0x60, 0x00, 0x35, 0x33, 0x7f]);                 // topic2 = calldata[0..32], topic1 = CALLER, PUSH32
        runtime.AddRange(Erc20Transfer.Topic0.ToArray());                 // topic0
        runtime.AddRange([0x60, 0x20, 0x60, 0x00, 0xa3, 0x00]);           // LOG3(0, 32) STOP
        if (runtime.Count != 0x36)
        {
            throw new InvalidOperationException("revert label moved");
        }

        runtime.AddRange([0x5b, 0x60, (byte)revertData.Length, 0x60, 0x43, 0x60, 0x00, 0x39]); // JUMPDEST CODECOPY(0, data, len)
        runtime.AddRange([0x60, (byte)revertData.Length, 0x60, 0x00, 0xfd]);                   // REVERT(0, len)
        if (runtime.Count != 0x43)
        {
            throw new InvalidOperationException("data label moved");
        }

        runtime.AddRange(revertData);
        byte[] init = [0x60, (byte)runtime.Count, 0x60, 0x0c, 0x60, 0x00, 0x39, 0x60, (byte)runtime.Count, 0x60, 0x00, 0xf3];
        return [.. init, .. runtime];
    }
}
