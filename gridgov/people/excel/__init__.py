"""Excel in and out: templates, streaming import with validation and error sheets, exports."""
