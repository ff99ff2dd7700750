"""The condolence book for officers killed on duty: public, moderated, throttled."""
