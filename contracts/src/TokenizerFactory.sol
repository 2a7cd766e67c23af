// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {TokenizerERC20} from "./TokenizerERC20.sol";
import {TokenizerERC721} from "./TokenizerERC721.sol";

/// @title TokenizerFactory
/// @notice Deploys TokenizerERC20 / TokenizerERC721 as EIP-1167 clones at CREATE2 addresses chosen by a
///         caller-supplied salt, so the platform can compute the address ahead and deploy exactly once.
///         The two implementations are deployed separately and passed to the constructor.
contract TokenizerFactory is AccessControl {
    bytes32 public constant DEPLOYER_ROLE = keccak256("DEPLOYER_ROLE");
    uint8 public constant KIND_ERC20 = 0;
    uint8 public constant KIND_ERC721 = 1;

    address public immutable erc20Implementation;
    address public immutable erc721Implementation;

    event TokenDeployed(
        address indexed token, uint8 indexed kind, address indexed admin, bytes32 salt, string name, string symbol
    );

    error TokenAlreadyDeployed(address token);
    error InvalidImplementation(address implementation);
    error ZeroAddress();
    // Raised by the token's initialize and bubbled up unchanged; declared here so this ABI decodes them.
    error InvalidDecimals(uint8 decimals);
    error BaseURITooLong(uint256 length, uint256 max);

    /// @param admin gets DEFAULT_ADMIN_ROLE and DEPLOYER_ROLE.
    constructor(address erc20Implementation_, address erc721Implementation_, address admin) {
        if (erc20Implementation_.code.length == 0) revert InvalidImplementation(erc20Implementation_);
        if (erc721Implementation_.code.length == 0) revert InvalidImplementation(erc721Implementation_);
        if (admin == address(0)) revert ZeroAddress();
        erc20Implementation = erc20Implementation_;
        erc721Implementation = erc721Implementation_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(DEPLOYER_ROLE, admin);
    }

    /// @notice `admin` takes every role on the new token; `owner` is what its `owner()` reports (zero: the admin).
    function deployERC20(
        bytes32 salt,
        string calldata name,
        string calldata symbol,
        uint8 decimals,
        bool permissionless,
        address admin,
        address owner
    ) external onlyRole(DEPLOYER_ROLE) returns (address token) {
        token = _clone(erc20Implementation, salt);
        TokenizerERC20(token).initialize(name, symbol, decimals, permissionless, admin, owner);
        emit TokenDeployed(token, KIND_ERC20, admin, salt, name, symbol);
    }

    /// @notice As deployERC20; `baseURI` prefixes every `tokenURI`.
    function deployERC721(
        bytes32 salt,
        string calldata name,
        string calldata symbol,
        string calldata baseURI,
        bool permissionless,
        address admin,
        address owner
    ) external onlyRole(DEPLOYER_ROLE) returns (address token) {
        token = _clone(erc721Implementation, salt);
        TokenizerERC721(token).initialize(name, symbol, baseURI, permissionless, admin, owner);
        emit TokenDeployed(token, KIND_ERC721, admin, salt, name, symbol);
    }

    function predictERC20Address(bytes32 salt) external view returns (address) {
        return Clones.predictDeterministicAddress(erc20Implementation, salt);
    }

    function predictERC721Address(bytes32 salt) external view returns (address) {
        return Clones.predictDeterministicAddress(erc721Implementation, salt);
    }

    function _clone(address implementation, bytes32 salt) private returns (address) {
        address predicted = Clones.predictDeterministicAddress(implementation, salt);
        if (predicted.code.length != 0) revert TokenAlreadyDeployed(predicted);
        return Clones.cloneDeterministic(implementation, salt);
    }
}
