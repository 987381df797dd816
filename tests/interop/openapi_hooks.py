"""Schemathesis hooks for test_openapi.py (loaded through SCHEMATHESIS_HOOKS): the binary bodies the document
names by their own media types (a PDF to seal, an OCSP request, a timestamp query) go on the wire as the raw bytes
schemathesis generates, as it sends application/octet-stream."""
import schemathesis

schemathesis.serializer.alias(["application/pdf", "application/ocsp-request", "application/timestamp-query"],
                              "application/octet-stream")
