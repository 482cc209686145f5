"""What a post says: plan and compose (compose.py, wording.py), validation (validate.py, lang.py,
variety.py), the link/promo policy, the llm copywriter (llm_copy.py chooses it; writer.py,
prompt.py, copy_checks.py, claims.py), image generation (images.py), prompt experiments, and
[validation]/[compose.llm] settings.

May import: kernel, config, store, schedule, x, llm, notify, trends.
"""
