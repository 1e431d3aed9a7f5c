"""Aurora Desktop: a portrait and a voice in, a talking video out."""

__version__ = "0.1.0"
APP_NAME = "Aurora Desktop"
APP_ID = "aurora-desktop"
