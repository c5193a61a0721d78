"""Ingestion: read real export files, validate, quarantine, upsert into the warehouse."""
