// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Foreign password hashes made by other implementations, shared by the
// credentials, engine and import suites: bcrypt, sha512-crypt, PBKDF2 and
// passlib-scrypt by passlib 1.7.4's pure Python code
// (PASSLIB_BUILTIN_BCRYPT=enabled), Django's PBKDF2-SHA512 by hashlib, argon2i
// p=4 from the Argon2 reference implementation's tests, yescrypt and $7$ by
// Python's crypt module (libxcrypt: no second implementation is packaged). The
// password is "Tr0ub4dor&3" unless noted.
#ifndef IAM_TESTS_IMPORTED_HASH_VECTORS_H_
#define IAM_TESTS_IMPORTED_HASH_VECTORS_H_

namespace iam::testing {

inline constexpr char kPassword[] = "Tr0ub4dor&3";

struct HashVector {
  const char* scheme;
  const char* hash;
  const char* password;
};

inline constexpr HashVector kVectors[] = {
    {"bcrypt", "$2b$05$khOjXst2s/Z9Lk6TRqXfd.BAAkogu.8ehvhWssJ8Z/T5aO03I37MS", kPassword},
    {"bcrypt", "$2a$05$mak5GwHUtyVs5pPIT/9kyOVSHQcizLVqZ5L52VoaAZPTXGS3d.0S2", kPassword},
    {"bcrypt", "$2y$05$dqdp1WD0Ql7pvHUmyMhcdueKhylDEGkDFNE/RTrVgDNSmct6qoTpO", kPassword},
    {"sha512-crypt",
     "$6$9ATirduo6G1UqGkd$B/hV.UFLjCMZDjPkcq01CPtDr5b7zdq469kU2WZ/"
     "QdZ1FvJ0f0rcDxBEWWoYm9QOJXS7CvPthtFWPDFJJscGN1",
     kPassword},
    {"sha512-crypt",
     "$6$rounds=10000$y8VpZgAELVFT9.fU$cPdH6R7v5uDt8iwMne2DB2c1RTzvZMaKgGseay572fuCMkGDQEwfdWS0B"
     "RyPyIdMXUMlBkfz3YL4oRNEvdwoR.",
     kPassword},
    {"yescrypt", "$y$j9T$F5Jx5fExrKuPp53xLKQ..1$n.pFdveumVbvkIvhVT2m7V3vCOvHL9dASsBq3JUoRgC",
     kPassword},
    {"scrypt", "$7$CU..../....2zZ8yVtQ3uVv5xk3Pu6JS1$varVPaETOuF.np.nP6bg2fmwXZKLRhnzJG0q4zT.DOD",
     kPassword},
    {"scrypt",
     "$scrypt$ln=10,r=8,p=1$OGfMGUOIUeod4zxnLEVozQ$IDCdZncl19VXNR5cHlb2Mmhh0Rej4eROeBCDVieNff8",
     kPassword},
    {"pbkdf2-sha256",
     "$pbkdf2-sha256$1000$wLj3PkeodW5tjXHuXau1lg$FKVzETcNgOgdgfpZjH7wtgkhzBtIq6Hqc9hUUO/OIw8",
     kPassword},
    {"pbkdf2-sha512",
     "$pbkdf2-sha512$1000$C0HI2ZuT8v5f6z1HiHHOmQ$80IdafxMu.N9bgyqis.ig3aYI8aIpmJlCPYCFyI/"
     "xr245YLpp96SAv3y5gJxCPSXIRSsLTVk0vydY1ykp3LXrg",
     kPassword},
    {"pbkdf2-sha256",
     "pbkdf2_sha256$1000$jahbHLsxN9ym$6pyioVXdth5EmUCU0LlAhEqs3ZfSoPxAFu5ZVsNdYlA=", kPassword},
    {"pbkdf2-sha512",
     "pbkdf2_sha512$1000$seasalt1234$5RS0ijuxgdLXGWHDtwjjXOCEk94zjp0Bp+jfjw/"
     "PO1Az9f7u3coQjLclZC5dIN8sVk7nPu1wh3WdG341Km+sUQ==",
     kPassword},
    {"argon2i",
     "$argon2i$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$IMit9qkFULCMA/ViizL57cnTLOa5DiVM9eMwpAvPwr4",
     "password"},
};

}  // namespace iam::testing

#endif  // IAM_TESTS_IMPORTED_HASH_VECTORS_H_
