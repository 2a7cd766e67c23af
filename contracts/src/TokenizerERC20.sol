// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20Upgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/ERC20Upgradeable.sol";
import {TokenizerControls} from "./TokenizerControls.sol";
import {TokenMetadata, Attribute} from "./TokenMetadata.sol";

/// @title TokenizerERC20
/// @notice ERC20 issued by the Tokenizer platform as an EIP-1167 clone (see TokenizerFactory).
///         Mint/burn are MINTER_ROLE-only and exactly-once per `commandId`; controls in TokenizerControls.
contract TokenizerERC20 is ERC20Upgradeable, TokenizerControls, TokenMetadata {
    uint8 public constant MAX_DECIMALS = 18;

    uint8 private _decimals;
    MetadataRecord private _metadata;

    event Minted(bytes32 indexed commandId, address indexed to, uint256 amount);
    event Burned(bytes32 indexed commandId, address indexed from, uint256 amount);
    event MetadataUpdated();

    error InvalidDecimals(uint8 decimals);

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Called once by the factory on a fresh clone. `admin` receives every role; `owner_` is reported by
    ///         `owner()` (zero: the admin).
    function initialize(
        string calldata name_,
        string calldata symbol_,
        uint8 decimals_,
        bool permissionless_,
        address admin,
        address owner_
    ) external initializer {
        if (decimals_ > MAX_DECIMALS) revert InvalidDecimals(decimals_);
        __ERC20_init(name_, symbol_);
        __TokenizerControls_init(admin, owner_, permissionless_);
        _decimals = decimals_;
    }

    function decimals() public view override returns (uint8) {
        return _decimals;
    }

    /// @notice Mints `amount` base units to `to`, exactly once per `commandId`.
    function mint(bytes32 commandId, address to, uint256 amount) external onlyRole(MINTER_ROLE) {
        if (amount == 0) revert InvalidAmount();
        _useCommand(commandId);
        _mint(to, amount);
        emit Minted(commandId, to, amount);
    }

    /// @notice Admin burn of `amount` base units held by `from`, exactly once per `commandId`.
    ///         Allowed from frozen and unapproved accounts; refused while paused.
    function burn(bytes32 commandId, address from, uint256 amount) external onlyRole(MINTER_ROLE) {
        if (amount == 0) revert InvalidAmount();
        _useCommand(commandId);
        _burn(from, amount);
        emit Burned(commandId, from, amount);
    }

    // ---------------------------------------------------------------- metadata

    /// @notice Replaces the token's whole metadata record.
    function setMetadata(
        string calldata name_,
        string calldata description,
        string calldata image,
        Attribute[] calldata attributes
    ) external onlyRole(CONTROLLER_ROLE) {
        _storeMetadata(_metadata, name_, description, image, attributes);
        emit MetadataUpdated();
    }

    function getMetadata()
        external
        view
        returns (string memory name_, string memory description, string memory image, Attribute[] memory attributes)
    {
        MetadataRecord storage r = _metadata;
        return (r.name, r.description, r.image, r.attributes);
    }

    function metadataKeys() external view returns (string[] memory) {
        return _metadataKeys(_metadata);
    }

    function hasMetadata() external view returns (bool) {
        return _metadata.exists;
    }

    // ---------------------------------------------------------------- hooks

    function _update(address from, address to, uint256 value) internal override {
        _enforceControls(from, to);
        super._update(from, to, value);
    }
}
