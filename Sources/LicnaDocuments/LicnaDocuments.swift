/// Documents and electronic signatures (issue 5): the PDF writer and reader, PAdES and CAdES, and validation.
/// Pure: no Vapor. This file marks the module until its parts land.
public enum LicnaDocuments {}
