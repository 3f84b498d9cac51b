"""Certificate path validation remembered per signer and trust store, installed into pyHanko.

Why: pyHanko's ``generic_cms.validate_cert_usage`` (path building, PKIX path validation,
key usage) was about a quarter of the signature check of a one-page signed PDF, and a
transfer's documents are signed by the same few people under the same chains: the same
work, with the same answer, for every document.  This module keeps that answer (the
``CertvalidatorOperationResult``: the valid path, or the AdES indication, revocation
details and time horizon of the failure) in a bounded per-process table and hands it
back when every input that can change it is the same.

What the answer depends on, read from pyHanko 0.38 / pyhanko-certvalidator 0.33
(``generic_cms.validate_cert_usage`` → ``find_valid_path`` → ``async_validate_path``),
and how the key (:func:`cache_key`) covers it:

- the signer's certificate: its DER;
- the certificates path building can use: the validation context's certificate registry
  (the CMS certificates, registered by ``cms_basic_validation`` just before the call, the
  DSS certificates given as ``other_certs``, any timestamp's certificates, the roots) in
  registry order, and the trust roots in the trust manager's order, all as DER (order
  decides which path is tried first and so which failure is reported);
- the time: the validity check compares the moment with each certificate's
  ``not_before``/``not_after`` give or take the context's ``time_tolerance``.  The key
  holds, for the signer, every registry certificate and every root, whether the moment is
  before, inside or after its validity window; when the moment lies within
  ``max(time_tolerance, 60 s)`` of any of those bounds nothing is cached or reused, so the
  band alone decides every validity check.  Trust anchors must be plain certificates
  with default qualifiers (no ``valid_from``/``valid_until``/path-length/service type);
  ``best_signature_time`` must equal the moment; the algorithm policy must be exactly
  ``DisallowWeakAlgorithmsPolicy`` (it ignores time: its weak digests, weak signature
  algorithms and RSA/DSA key-size thresholds go into the key), the signature validator
  the default one;
- revocation: only cached when the context holds no CRL, no OCSP response, no asserted
  non-revocation and cannot fetch (then revocation checking finds nothing, whatever the
  time; the POE manager is only consulted for revocation data).  A PDF carrying
  revocation info is validated afresh every time.  The revocation policy (mode,
  freshness, ``retroactive_revinfo``) is in the key all the same;
- the key-usage constraints, the PKIX parameters (policy set, mapping inhibition …),
  whether the validation is point-in-time, and ``acceptable_ac_targets`` (must be unset);
- the candidate paths: only the lazy iterator pyHanko builds from this very context for
  this certificate, not yet started (a caller-supplied path bypasses the table).

The validation's side effects on the context (``record_validation``, soft-fail
exceptions) are read by pyHanko only while validating CRLs, which never happens on a
cached result (no CRLs).  An exception raised by the validation is not a result: it
propagates and nothing is stored.  Anything the key cannot vouch for (an unknown object
type, a private attribute missing in another pyHanko version) means: no cache.
"""

from __future__ import annotations

import enum
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import fields, is_dataclass
from datetime import datetime, timedelta
from typing import Any

MAX_ENTRIES = 512
MIN_MARGIN = timedelta(seconds=60)

_original: Callable[..., Any] | None = None
_enabled = True
_entries: OrderedDict[tuple, Any] = OrderedDict()
_windows: dict[bytes, tuple[datetime, datetime]] = {}
_lock = threading.Lock()
_stats = {"hits": 0, "misses": 0, "bypassed": 0}


class Uncacheable(Exception):
    """The key cannot vouch for this validation: run it, do not store it."""


def _require(ok: Any, why: str) -> None:
    if not ok:
        raise Uncacheable(why)


def _frozen(value: Any) -> Hashable:
    """A hashable image of a settings object (dataclasses field by field, sets as frozensets)."""
    if is_dataclass(value) and not isinstance(value, type):
        return (type(value).__qualname__,
                tuple((f.name, _frozen(getattr(value, f.name))) for f in fields(value)))
    if isinstance(value, (set, frozenset)):
        return frozenset(_frozen(v) for v in value)
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    if value is None or isinstance(value, (str, bytes, bool, int, float, enum.Enum, datetime, timedelta)):
        return value
    raise Uncacheable(f"setting of type {type(value).__name__}")


def validity_bands(moment: datetime, margin: timedelta, windows: list[tuple[datetime, datetime]]) -> tuple[int, ...]:
    """Per (not_before, not_after): -1 before, 0 inside, 1 after; :class:`Uncacheable`
    when the moment is within ``margin`` of a bound (tolerance decides there)."""
    out = []
    for before, after in windows:
        if abs(moment - before) <= margin or abs(moment - after) <= margin:
            raise Uncacheable("moment near a validity bound")
        out.append(-1 if moment < before else 1 if moment > after else 0)
    return tuple(out)


def _window(cert: Any, der: bytes) -> tuple[datetime, datetime]:
    """A certificate's validity (what pyHanko's ``_check_validity`` reads), kept per DER:
    each document parses its certificates afresh."""
    known = _windows.get(der)
    if known is None:
        known = (cert.not_valid_before, cert.not_valid_after)
        if len(_windows) >= 4 * MAX_ENTRIES:
            _windows.clear()
        _windows[der] = known
    return known


def _trust_roots(vc: Any) -> list[Any]:
    """The trust roots' certificates, in the trust manager's order; plain anchors only."""
    from pyhanko_certvalidator.authority import CertTrustAnchor, TrustQualifiers
    from pyhanko_certvalidator.registry import SimpleTrustManager

    trust = vc.path_builder.trust_manager
    _require(type(trust) is SimpleTrustManager, "trust manager")
    anchors = list(getattr(trust, "_roots", None) or ())
    _require(all(type(a) is CertTrustAnchor and a.trust_qualifiers == TrustQualifiers() for a in anchors),
             "qualified trust anchors")
    return [a.certificate for a in anchors]


def _check_context(cert: Any, vc: Any, paths: Any) -> None:
    """Raise :class:`Uncacheable` unless the context is one the key describes in full."""
    from pyhanko_certvalidator.policy_decl import DisallowWeakAlgorithmsPolicy
    from pyhanko_certvalidator.registry import CertificateRegistry, LazyPathIterator
    from pyhanko_certvalidator.sig_validate import DefaultSignatureValidator

    walker = getattr(paths, "_walker", None)
    _require(type(paths) is LazyPathIterator and paths.emitted_count == 0 and walker is not None
             and walker.path_builder is vc.path_builder and walker.path.head is cert, "paths not built here")
    registry = vc.certificate_registry
    _require(type(registry) is CertificateRegistry and registry.fetcher is None
             and vc.path_builder.registry is registry, "certificate registry")
    rm = vc.revinfo_manager
    _require(not rm.fetching_allowed and not rm.crls and not rm.ocsps
             and not getattr(rm, "_assertions", True), "revocation info present")
    _require(type(vc.algorithm_policy) is DisallowWeakAlgorithmsPolicy, "algorithm policy")
    _require(type(vc.sig_validator) is DefaultSignatureValidator, "signature validator")
    _require(vc.acceptable_ac_targets is None, "attribute certificate targets")
    _require(vc.best_signature_time == vc.moment, "best signature time")


def cache_key(cert: Any, vc: Any, key_usage_settings: Any, paths: Any, pkix_params: Any) -> tuple:
    """Everything ``validate_cert_usage`` depends on (module docstring), or :class:`Uncacheable`."""
    _check_context(cert, vc, paths)
    certs = [cert, *vc.certificate_registry]
    roots = _trust_roots(vc)
    ders = [c.dump() for c in certs]
    root_ders = [c.dump() for c in roots]
    windows = [_window(c, d) for c, d in zip([*certs, *roots], [*ders, *root_ders])]
    policy = vc.algorithm_policy
    tolerance = vc.time_tolerance
    return (
        tuple(ders),  # the signer's first, then the registry's in its order
        tuple(root_ders),
        validity_bands(vc.moment, max(tolerance, MIN_MARGIN), windows),
        tolerance,
        vc.timing_params.point_in_time_validation,
        _frozen(key_usage_settings),
        _frozen(pkix_params),
        _frozen(vc.revinfo_policy),
        (_frozen(set(policy.weak_hash_algos)), _frozen(set(policy.weak_signature_algos)),
         policy.rsa_key_size_threshold, policy.dsa_key_size_threshold),
    )


def _key_or_none(*args: Any) -> tuple | None:
    if not _enabled:
        return None
    try:
        return cache_key(*args)
    except Uncacheable:
        return None
    except Exception:  # noqa: BLE001 - an object the key cannot read: validate afresh, never guess
        return None


async def validate_cert_usage(cert: Any, validation_context: Any, key_usage_settings: Any, paths: Any,
                              pkix_validation_params: Any = None) -> Any:
    """pyHanko's ``generic_cms.validate_cert_usage``, answered from the table when the key matches."""
    assert _original is not None
    key = _key_or_none(cert, validation_context, key_usage_settings, paths, pkix_validation_params)
    if key is None:
        with _lock:
            _stats["bypassed"] += 1
        return await _original(cert, validation_context, key_usage_settings, paths, pkix_validation_params)
    with _lock:
        found = _entries.get(key)
        if found is not None:
            _entries.move_to_end(key)
            _stats["hits"] += 1
        else:
            _stats["misses"] += 1
    if found is not None:
        await paths.cancel()  # never started: releases nothing but keeps the iterator's contract
        return found
    result = await _original(cert, validation_context, key_usage_settings, paths, pkix_validation_params)
    with _lock:  # only reached with a result: a raised exception propagated above
        _entries[key] = result
        _entries.move_to_end(key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return result


def stats() -> dict[str, int]:
    """Hits, misses and bypasses since the last :func:`clear` (this process)."""
    with _lock:
        return dict(_stats, entries=len(_entries))


def clear() -> None:
    """Forget every remembered validation and reset the counters."""
    with _lock:
        _entries.clear()
        _windows.clear()
        for k in _stats:
            _stats[k] = 0


@contextmanager
def disabled() -> Iterator[None]:
    """Validate afresh inside the block (comparisons and benchmarks)."""
    global _enabled
    before, _enabled = _enabled, False
    try:
        yield
    finally:
        _enabled = before


def install() -> None:
    """Route pyHanko's ``validate_cert_usage`` through :func:`validate_cert_usage` (once per process)."""
    global _original
    from pyhanko.sign.validation import generic_cms

    if _original is None:
        _original = generic_cms.validate_cert_usage
        generic_cms.validate_cert_usage = validate_cert_usage
