// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice One metadata attribute. `kind`: 0 = string, 1 = number (value is the decimal text of a JSON
///         number), 2 = bool (value is exactly "true" or "false").
struct Attribute {
    string key;
    uint8 kind;
    string value;
}

/// @title TokenMetadata
/// @notice Validation and storage of on-chain metadata records (name, description, image, attributes).
abstract contract TokenMetadata {
    struct MetadataRecord {
        bool exists;
        string name;
        string description;
        string image;
        Attribute[] attributes;
    }

    uint8 public constant ATTRIBUTE_KIND_STRING = 0;
    uint8 public constant ATTRIBUTE_KIND_NUMBER = 1;
    uint8 public constant ATTRIBUTE_KIND_BOOL = 2;

    uint256 public constant MAX_ATTRIBUTES = 13;
    uint256 public constant MAX_METADATA_NAME_LENGTH = 128;
    uint256 public constant MAX_METADATA_DESCRIPTION_LENGTH = 1024;
    uint256 public constant MAX_METADATA_IMAGE_LENGTH = 512;
    uint256 public constant MAX_ATTRIBUTE_KEY_LENGTH = 64;
    uint256 public constant MAX_ATTRIBUTE_VALUE_LENGTH = 256;

    error TooManyAttributes(uint256 count, uint256 max);
    error EmptyAttributeKey();
    error DuplicateAttributeKey(string key);
    error InvalidAttributeKind(uint8 kind);
    error InvalidAttributeValue(string key);
    /// @dev `field` is one of "name", "description", "image", "attribute.key", "attribute.value"; lengths in bytes.
    error MetadataFieldTooLong(string field, uint256 length, uint256 max);

    /// @dev Validates and replaces the whole record.
    function _storeMetadata(
        MetadataRecord storage record,
        string calldata name,
        string calldata description,
        string calldata image,
        Attribute[] calldata attributes
    ) internal {
        _checkLength("name", bytes(name).length, MAX_METADATA_NAME_LENGTH);
        _checkLength("description", bytes(description).length, MAX_METADATA_DESCRIPTION_LENGTH);
        _checkLength("image", bytes(image).length, MAX_METADATA_IMAGE_LENGTH);
        _validateAttributes(attributes);

        record.exists = true;
        record.name = name;
        record.description = description;
        record.image = image;
        delete record.attributes;
        for (uint256 i = 0; i < attributes.length; ++i) {
            Attribute storage a = record.attributes.push();
            a.key = attributes[i].key;
            a.kind = attributes[i].kind;
            a.value = attributes[i].value;
        }
    }

    function _metadataKeys(MetadataRecord storage record) internal view returns (string[] memory keys) {
        uint256 n = record.attributes.length;
        keys = new string[](n);
        for (uint256 i = 0; i < n; ++i) {
            keys[i] = record.attributes[i].key;
        }
    }

    function _validateAttributes(Attribute[] calldata attributes) private pure {
        uint256 n = attributes.length;
        if (n > MAX_ATTRIBUTES) revert TooManyAttributes(n, MAX_ATTRIBUTES);
        bytes32[] memory keyHashes = new bytes32[](n);
        for (uint256 i = 0; i < n; ++i) {
            bytes calldata key = bytes(attributes[i].key);
            bytes calldata value = bytes(attributes[i].value);
            if (key.length == 0) revert EmptyAttributeKey();
            _checkLength("attribute.key", key.length, MAX_ATTRIBUTE_KEY_LENGTH);
            _checkLength("attribute.value", value.length, MAX_ATTRIBUTE_VALUE_LENGTH);
            bytes32 h = keccak256(key);
            for (uint256 j = 0; j < i; ++j) {
                if (keyHashes[j] == h) revert DuplicateAttributeKey(attributes[i].key);
            }
            keyHashes[i] = h;
            uint8 kind = attributes[i].kind;
            if (kind == ATTRIBUTE_KIND_NUMBER) {
                if (!_isJsonNumber(value)) revert InvalidAttributeValue(attributes[i].key);
            } else if (kind == ATTRIBUTE_KIND_BOOL) {
                bytes32 v = keccak256(value);
                if (v != keccak256("true") && v != keccak256("false")) revert InvalidAttributeValue(attributes[i].key);
            } else if (kind != ATTRIBUTE_KIND_STRING) {
                revert InvalidAttributeKind(kind);
            }
        }
    }

    function _checkLength(string memory field, uint256 length, uint256 max) private pure {
        if (length > max) revert MetadataFieldTooLong(field, length, max);
    }

    /// @dev JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    function _isJsonNumber(bytes calldata s) private pure returns (bool) {
        uint256 n = s.length;
        uint256 i = 0;
        if (i < n && s[i] == "-") ++i;
        if (i == n) return false;
        if (s[i] == "0") {
            ++i;
        } else if (s[i] >= "1" && s[i] <= "9") {
            while (i < n && _isDigit(s[i])) ++i;
        } else {
            return false;
        }
        if (i < n && s[i] == ".") {
            uint256 start = ++i;
            while (i < n && _isDigit(s[i])) ++i;
            if (i == start) return false;
        }
        if (i < n && (s[i] == "e" || s[i] == "E")) {
            ++i;
            if (i < n && (s[i] == "+" || s[i] == "-")) ++i;
            uint256 start = i;
            while (i < n && _isDigit(s[i])) ++i;
            if (i == start) return false;
        }
        return i == n;
    }

    function _isDigit(bytes1 c) private pure returns (bool) {
        return c >= "0" && c <= "9";
    }
}
