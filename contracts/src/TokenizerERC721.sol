// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC721Upgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC721/ERC721Upgradeable.sol";
import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {TokenizerControls} from "./TokenizerControls.sol";
import {TokenMetadata, Attribute} from "./TokenMetadata.sol";

/// @title TokenizerERC721
/// @notice ERC721 issued by the Tokenizer platform as an EIP-1167 clone (see TokenizerFactory).
///         Token ids are sequential from 1. Mint/burn are MINTER_ROLE-only and exactly-once per `commandId`.
///         `tokenURI(id)` = baseURI + lower-case hex of this address + "/" + id (empty when baseURI is empty).
contract TokenizerERC721 is ERC721Upgradeable, TokenizerControls, TokenMetadata {
    uint256 public constant MAX_BASE_URI_LENGTH = 256;
    /// @notice Upper bound on `count` in one mint, so a large mint fails with a named error, not out-of-gas.
    uint256 public constant MAX_MINT_BATCH = 500;

    bytes4 private constant _INTERFACE_ID_ERC4906 = 0x49064906;

    uint256 private _nextTokenId;
    uint256 private _burnedCount;
    string private _baseTokenURI;
    mapping(uint256 tokenId => MetadataRecord) private _tokenMetadata;

    event Minted(bytes32 indexed commandId, address indexed to, uint256 firstTokenId, uint256 count);
    event Burned(bytes32 indexed commandId, address indexed from, uint256[] tokenIds);
    event BaseURIUpdated(string baseURI);
    /// @dev ERC-4906
    event MetadataUpdate(uint256 _tokenId);
    /// @dev ERC-4906
    event BatchMetadataUpdate(uint256 _fromTokenId, uint256 _toTokenId);

    error NotTokenOwner(uint256 tokenId, address account);
    error BaseURITooLong(uint256 length, uint256 max);
    error MintBatchTooLarge(uint256 count, uint256 max);

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Called once by the factory on a fresh clone. `admin` receives every role; `owner_` is reported by
    ///         `owner()` (zero: the admin).
    function initialize(
        string calldata name_,
        string calldata symbol_,
        string calldata baseURI_,
        bool permissionless_,
        address admin,
        address owner_
    ) external initializer {
        _checkBaseURI(baseURI_);
        __ERC721_init(name_, symbol_);
        __TokenizerControls_init(admin, owner_, permissionless_);
        _baseTokenURI = baseURI_;
        _nextTokenId = 1;
    }

    // ---------------------------------------------------------------- supply

    /// @notice Mints `count` new sequential ids to `to`, exactly once per `commandId`. Uses `_mint` (no
    ///         onERC721Received callback), so a mint can never be blocked or re-entered by the receiver.
    function mint(bytes32 commandId, address to, uint256 count)
        external
        onlyRole(MINTER_ROLE)
        returns (uint256 firstTokenId)
    {
        if (count == 0) revert InvalidAmount();
        if (count > MAX_MINT_BATCH) revert MintBatchTooLarge(count, MAX_MINT_BATCH);
        _useCommand(commandId);
        firstTokenId = _nextTokenId;
        _nextTokenId = firstTokenId + count;
        for (uint256 i = 0; i < count; ++i) {
            _mint(to, firstTokenId + i);
        }
        emit Minted(commandId, to, firstTokenId, count);
    }

    /// @notice Admin burn of `tokenIds`, each owned by `from`, exactly once per `commandId`.
    ///         Allowed from frozen and unapproved accounts; refused while paused.
    function burn(bytes32 commandId, address from, uint256[] calldata tokenIds) external onlyRole(MINTER_ROLE) {
        uint256 n = tokenIds.length;
        if (n == 0) revert InvalidAmount();
        _useCommand(commandId);
        for (uint256 i = 0; i < n; ++i) {
            uint256 tokenId = tokenIds[i];
            address holder = _ownerOf(tokenId);
            if (holder == address(0)) revert ERC721NonexistentToken(tokenId);
            if (holder != from) revert NotTokenOwner(tokenId, from);
            _update(address(0), tokenId, address(0));
        }
        _burnedCount += n;
        emit Burned(commandId, from, tokenIds);
    }

    /// @notice The id the next mint will start at.
    function nextTokenId() external view returns (uint256) {
        return _nextTokenId;
    }

    /// @notice Number of existing (minted and not burned) tokens.
    function totalSupply() external view returns (uint256) {
        return _nextTokenId - 1 - _burnedCount;
    }

    // ---------------------------------------------------------------- URIs

    function baseURI() external view returns (string memory) {
        return _baseTokenURI;
    }

    function setBaseURI(string calldata baseURI_) external onlyRole(CONTROLLER_ROLE) {
        _checkBaseURI(baseURI_);
        _baseTokenURI = baseURI_;
        emit BaseURIUpdated(baseURI_);
        uint256 last = _nextTokenId - 1;
        if (last != 0) emit BatchMetadataUpdate(1, last);
    }

    function tokenURI(uint256 tokenId) public view override returns (string memory) {
        _requireOwned(tokenId);
        string memory base = _baseTokenURI;
        if (bytes(base).length == 0) return "";
        return string.concat(base, Strings.toHexString(address(this)), "/", Strings.toString(tokenId));
    }

    function _baseURI() internal view override returns (string memory) {
        return _baseTokenURI;
    }

    function _checkBaseURI(string calldata uri) private pure {
        if (bytes(uri).length > MAX_BASE_URI_LENGTH) revert BaseURITooLong(bytes(uri).length, MAX_BASE_URI_LENGTH);
    }

    // ---------------------------------------------------------------- metadata

    /// @notice Replaces the whole metadata record of an existing token.
    function setTokenMetadata(
        uint256 tokenId,
        string calldata name_,
        string calldata description,
        string calldata image,
        Attribute[] calldata attributes
    ) external onlyRole(CONTROLLER_ROLE) {
        _requireOwned(tokenId);
        _storeMetadata(_tokenMetadata[tokenId], name_, description, image, attributes);
        emit MetadataUpdate(tokenId);
    }

    /// @notice Metadata of an existing token (empty record when none was set); reverts for a nonexistent id.
    function getTokenMetadata(uint256 tokenId)
        external
        view
        returns (string memory name_, string memory description, string memory image, Attribute[] memory attributes)
    {
        _requireOwned(tokenId);
        MetadataRecord storage r = _tokenMetadata[tokenId];
        return (r.name, r.description, r.image, r.attributes);
    }

    function metadataKeys(uint256 tokenId) external view returns (string[] memory) {
        _requireOwned(tokenId);
        return _metadataKeys(_tokenMetadata[tokenId]);
    }

    /// @notice False for a token without metadata and for a nonexistent (or burned) id.
    function hasTokenMetadata(uint256 tokenId) external view returns (bool) {
        return _ownerOf(tokenId) != address(0) && _tokenMetadata[tokenId].exists;
    }

    // ---------------------------------------------------------------- hooks

    /// @dev OpenZeppelin's authorization/existence checks run first, then the token controls
    ///      (the whole call reverts if a control refuses).
    function _update(address to, uint256 tokenId, address auth) internal override returns (address from) {
        from = super._update(to, tokenId, auth);
        _enforceControls(from, to);
    }

    function supportsInterface(bytes4 interfaceId)
        public
        view
        override(ERC721Upgradeable, AccessControlUpgradeable)
        returns (bool)
    {
        return interfaceId == _INTERFACE_ID_ERC4906 || super.supportsInterface(interfaceId);
    }
}
