"""The OpenAI-compatible transport shared by the trend judge, the copywriter and the images call:
client creation and error wording (client.py), chat calls with n copies, whole-call deadline and
pricing from usage (chat.py), recording spend (spend.py), the [compose.llm] connection keys
(settings.py). The openai package is imported only when a call is made.

May import: kernel, config, store, schedule, x.
"""
