from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Compressed, hashed static files, whose ES modules import each other by hashed name
    too (static/js/*.js share static/js/strings.js), so a new release is never half-cached."""

    support_js_module_import_aggregation = True
