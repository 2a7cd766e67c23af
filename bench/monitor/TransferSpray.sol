// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

interface ITransfer {
    function transfer(address to, uint256 value) external returns (bool);
}

/// Bench seeding only: one transaction moves `count` single units of a token it holds to `holders` addresses in
/// turn, so that a block carries many Transfer events (a multicall of transfers from one sender).
contract TransferSpray {
    function spray(ITransfer token, uint256 count, uint256 holders, uint256 firstHolder) external {
        for (uint256 i = 0; i < count; i++) {
            token.transfer(address(uint160(firstHolder + (i % holders))), 1);
        }
    }
}
