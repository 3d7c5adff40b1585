# Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
"""The pure rule checks: usernames, fields, passwords, generation, profiles."""

from __future__ import annotations

import os

import iam
import pytest


def test_library_is_loaded_and_versioned():
    assert iam.ABI_VERSION == 1
    assert iam.version().count(".") == 2
    assert iam.LIBRARY_PATH
    # One version: the library file is libiam.so.<iam_version()>, its SONAME
    # libiam.so.<ABI major>, and the major is the ABI version.
    real = os.path.basename(os.path.realpath(iam.LIBRARY_PATH))
    assert real == "libiam.so." + iam.version()
    assert int(iam.version().split(".")[0]) == iam.ABI_VERSION
    limits = iam.limits()
    assert limits["token_bytes"] == 32 and limits["token_chars"] == 43
    assert limits["host_key_bytes"] == 32 and limits["page_size_max"] == 1000


def test_profiles():
    assert iam.profiles() == ["huawei", "alibaba", "tencent", "nist"]
    alibaba = iam.profile_info("alibaba")
    assert alibaba["username"]["max_length"] == 256
    assert alibaba["requires_primary_ou"] is True
    assert iam.profile_info("tencent")["password"]["required_classes"] == 15
    with pytest.raises(iam.InvalidParameter) as e:
        iam.profile_info("nosuch")
    assert e.value.reason == "profile.unknown" and e.value.field == "profile"


def test_validate_username():
    iam.validate_username("alice.wong")
    iam.validate_username("alice@example.com", profile="alibaba")
    with pytest.raises(iam.InvalidParameter) as e:
        iam.validate_username("1alice")
    err = e.value
    assert err.code == iam.Status.INVALID_ARGUMENT
    assert err.reason == "username.leading_digit"
    assert err.field == "username"
    assert err.http_status == 400 and err.provider_code == "1101"
    assert "digit" in err.message
    assert [v.reason for v in err.violations] == ["username.leading_digit"]


@pytest.mark.parametrize("name,profile,reasons", [
    ("", "huawei", ["username.empty"]),
    ("abc", "huawei", ["username.too_short"]),
    ("a" * 33, "huawei", ["username.too_long"]),
    ("1alice", "huawei", ["username.leading_digit"]),
    ("alice wong", "huawei", ["username.invalid_character"]),
    ("1a!", "huawei", ["username.too_short", "username.leading_digit",
                       "username.invalid_character"]),
    (b"al\xffice".decode("latin-1"), "huawei", None),
    ("ali\u200bce", "nist", ["username.invisible_character"]),
])
def test_username_violations(name, profile, reasons):
    found = [v.reason for v in iam.username_violations(name, profile=profile)]
    if reasons is None:
        assert found  # some violation, whatever the order
    else:
        assert found == reasons


def test_canonical_username_and_fields():
    assert iam.canonical_username("Alice.Wong") == "alice.wong"
    iam.validate_field("email", "alice@example.com")
    with pytest.raises(iam.InvalidParameter) as e:
        iam.validate_field("email", "a+b@example.com", profile="alibaba")
    assert e.value.field == "email"
    with pytest.raises(iam.InvalidParameter):
        iam.validate_field("phone", "12ab")
    with pytest.raises(iam.InvalidParameter) as e:
        iam.validate_field("shoe_size", "42")
    assert e.value.reason == "field.unknown"


def test_check_password_raises_with_every_violation():
    iam.check_password("Summer-Breeze7", username="alice.wong")
    with pytest.raises(iam.InvalidParameter) as e:
        iam.check_password("54321a", username="A12345")
    assert e.value.reason == "password.reversed_username"
    assert e.value.field == "password"
    assert e.value.provider_code == "1103"
    assert [v.reason for v in e.value.violations] == ["password.reversed_username"]


def test_password_violations_lists_reasons_without_raising():
    assert iam.password_violations("Summer-Breeze7") == []
    assert iam.password_violations("54321a", username="A12345") == ["password.reversed_username"]
    assert iam.password_violations("A12345", username="A12345") == ["password.equals_username"]
    reasons = iam.password_violations("abc", profile="tencent")
    assert reasons == ["password.too_short", "password.too_few_classes",
                       "password.missing_uppercase", "password.missing_digit",
                       "password.missing_special"]
    assert iam.password_violations("x" * 40) == ["password.too_long",
                                                 "password.too_few_classes"]
    assert "password.invalid_character" in iam.password_violations("pass\u00e9word1")
    assert iam.password_violations("alice@example.com1", email="alice@example.com") == [
        "password.contains_email"]
    assert iam.password_violations("pw13800001111", phone="13800001111") == [
        "password.contains_phone"]


def test_tenant_policy_rules():
    policy = iam.PasswordPolicy(max_repeat=2, blocklist=["Password1"],
                                custom_pattern=".*[0-9]$",
                                custom_pattern_description="must end with a digit",
                                required_classes=["upper"])
    reasons = iam.password_violations("paaassword", policy=policy)
    assert "password.too_many_repeats" in reasons
    assert "password.pattern_mismatch" in reasons
    assert "password.missing_uppercase" in reasons
    assert iam.password_violations("PASSWORD1", policy=policy) == ["password.blocklisted"]
    assert iam.password_violations("Paswords1", policy={"min_length": 12}) == ["password.too_short"]
    with pytest.raises(iam.InvalidParameter):
        iam.password_violations("x", policy={"custom_pattern": "(["})
    with pytest.raises(TypeError):
        iam.password_violations("x", policy={"no_such_rule": 1})
    report = iam.password_report("paaassword", policy=policy)
    assert all(isinstance(v, iam.Violation) and v.message for v in report)


def test_blocklist_file(tmp_path):
    path = tmp_path / "common.txt"
    path.write_text("#!comment: john\nletmein1\nqwerty12\n")
    policy = iam.PasswordPolicy(blocklist_file=str(path))
    assert iam.password_violations("LetMeIn1", policy=policy) == ["password.blocklisted"]
    with pytest.raises(iam.NotFound):
        iam.password_violations("x", policy={"blocklist_file": str(tmp_path / "missing")})


def test_generate_password():
    for profile in iam.profiles():
        password = iam.generate_password(profile)
        assert len(password) == iam.profile_info(profile)["generated_password_length"]
        iam.check_password(password, profile=profile)
    assert len(iam.generate_password(length=20)) == 20
    assert iam.generate_password() != iam.generate_password()
    policy = iam.PasswordPolicy(required_classes=["upper", "lower", "digit", "special"])
    iam.check_password(iam.generate_password(policy=policy), policy=policy)
    with pytest.raises(iam.InvalidParameter) as e:
        iam.generate_password(length=3)
    assert e.value.field == "length"


def test_map_error():
    assert iam.map_error(iam.Status.ALREADY_EXISTS, "username.duplicate", profile="alibaba") == {
        "http_status": 403, "provider_code": "ResourceDuplicated.Username"}
    assert iam.map_error(iam.Status.ALREADY_EXISTS, "username.duplicate")["http_status"] == 409


def test_exception_classes():
    assert issubclass(iam.IdempotencyMismatch, iam.Error)
    for cls in (iam.InvalidParameter, iam.AlreadyExists, iam.NotFound, iam.PermissionDenied,
                iam.IdempotencyMismatch, iam.PayloadTooLarge, iam.Unavailable):
        err = cls("boom", reason="x.y", field="f")
        assert isinstance(err, iam.Error)
        assert (err.reason, err.field, err.message) == ("x.y", "f", "boom")
        assert err.code == cls.default_code


def test_ffi_table_declares_every_function_of_the_header():
    import re

    from conftest import REPO
    from iam import _ffi

    header = (REPO / "include" / "iam" / "iam.h").read_text()
    declared = set()
    for line in header.splitlines():
        if line.startswith("IAM_EXPORT "):
            declared.add(re.search(r"\b(iam_\w+)\(", line).group(1))
    table = {name for name, _, _, _ in _ffi._FUNCTIONS}
    assert table == declared
    for name, restype, argtypes, _ in _ffi._FUNCTIONS:
        fn = getattr(_ffi.lib, name)
        assert fn.argtypes == argtypes and fn.restype == restype
