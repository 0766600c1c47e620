"""Every promise of ``../shared/SECURITY.md``, with the test that fails if it breaks.

Promise → test (``tests/security/`` unless a path is given):

Photos (the photo pipeline's own tests; ``test_photos.py`` checks that they still exist)
 1 allow-list by content      media/test_images.py::test_each_allowed_format_is_accepted,
                              ::test_other_formats_are_refused_by_content, media/test_services.py::
                              test_text_named_jpg_is_refused, media/test_manifest.py (every entry)
 2 only what we re-encoded    media/test_views.py::test_bytes_appended_after_a_jpeg_are_never_served,
                              ::test_text_in_png_chunks_is_never_served
 3 no metadata, upright       media/test_images.py::test_gps_and_orientation_6_come_out_portrait_without_exif
 4 layered size limits        media/test_request_limit.py, media/test_services.py::
                              test_read_upload_stops_at_the_per_file_limit,
                              test_defaults.py::test_the_request_size_limit_is_five_photos_and_the_form
 5 pixel limits first         media/test_images.py::test_pixel_limit_is_checked_before_decoding,
                              ::test_decompression_bomb_warning_is_a_refusal, ::test_pixel_limit_counts_the_decoded_frame_only,
                              media/test_decode_budget.py::test_the_budget_is_checked_before_decoding,
                              ::test_a_heif_grid_is_never_decoded_whole, ::test_defaults_accept_the_phone_photos_the_issue_lists
 6 generated storage keys     media/test_services.py::test_any_file_name_with_valid_content_is_stored_under_a_generated_key,
                              media/test_storage.py::test_local_writes_under_the_root_only
 7 served safely              media/test_views.py::test_serves_a_webp_variant_with_immutable_cache_and_nosniff,
                              media/test_storage.py::test_s3_objects_carry_type_and_cache_headers_and_no_public_acl
 8 quotas                     listings/test_photos.py::test_files_past_the_limit_are_not_processed,
                              listings/test_quota_and_deadline.py::test_last_slot_then_quota_exceeded,
                              test_accounts.py::test_photo_uploads_are_rate_limited_per_account,
                              ::test_photo_uploads_on_the_edit_form_are_rate_limited_too

Accounts and sessions (test_accounts.py)
 9 passwords                  test_production_hash_is_scrypt_with_p3, test_login_rehashes_when_parameters_change,
                              test_weak_and_common_passwords_are_refused_with_a_reason,
                              test_context_passwords_are_refused, test_long_passphrases_and_any_characters_are_allowed
10 failures reveal nothing    test_unknown_account_wrong_password_and_inactive_look_the_same (same page,
                              status and one hash check each: similar time without a timed test)
11 brute force                test_login_is_throttled_per_account_and_address_and_the_lockout_ends_by_itself,
                              test_spreading_guesses_over_addresses_meets_a_growing_delay_not_a_lock,
                              test_the_delay_looks_the_same_for_an_unknown_account,
                              test_staff_can_lift_the_delay_and_it_is_audited,
                              test_many_accounts_from_one_address_hit_the_address_limit,
                              test_forwarded_for_is_not_trusted_without_a_proxy (Redis storage: the
                              deployment work's tests)
12 staff second factor        test_staff_without_a_second_factor_reaches_only_enrolment,
                              test_a_moderator_with_2fa_must_give_a_code_at_each_login,
                              test_a_totp_code_works_only_once_and_within_its_window,
                              test_recovery_codes_are_hashed_and_single_use, test_production_requires_staff_2fa_by_default
13 cookies                    test_cookies_are_hardened_in_production, test_cookies_in_development_are_httponly_and_lax
14 clean session, ended       test_login_starts_a_clean_session, test_replayed_cookies_after_logout_get_the_login_page,
                              test_password_change_ends_every_other_session, test_deactivation_ends_every_session
15 fresh login                test_password_change_needs_the_current_password, test_phone_change_needs_a_fresh_login,
                              test_reauthenticate_page_makes_the_session_fresh; not for decisions:
                              moderation/test_decisions.py::test_a_decision_on_a_stale_session_does_not_ask_for_the_password

Requests and access (test_requests.py; 16's expiry page in test_headers.py)
16 POST + CSRF, no GET writes test_every_post_without_a_token_is_refused_and_changes_nothing (+ its control
                              test_the_refused_posts_would_have_worked_with_a_token), test_no_get_changes_the_database,
                              test_logout_needs_a_token, test_defaults.py::test_csrf_tokens_live_several_hours;
                              test_headers.py::test_expired_token_on_the_listing_form_keeps_the_text,
                              ::test_expired_token_on_the_business_form_keeps_the_text
17 object-level authorisation test_access_matrix, test_every_route_has_an_access_rule,
                              test_b_gets_404_for_a_drafts_and_nothing_about_them
18 no mass assignment         test_extra_fields_are_ignored, test_a_repeated_field_is_an_error
19 deadlines in WIB           listings/test_quota_and_deadline.py::test_deadline_to_the_second_in_wib,
                              listings/test_after_decision.py::test_deadline_through_the_portal_one_second_before_and_at_the_close
20 one action, one record     moderation/test_decisions.py::test_two_moderators_deciding_the_same_version_one_wins_the_other_is_told,
                              moderation/test_concurrency.py; test_requests.py::test_a_double_tapped_new_listing_creates_one,
                              listings/test_portal.py::test_racing_double_tap_creates_one_listing
21 next stays local           test_next_never_leaves_the_site, test_login_redirect_with_a_tricky_next_goes_home
22 search and paging          test_search_takes_any_text_literally, test_odd_paging_values_never_break
23 escaped output, WhatsApp   test_public_and_staff_output_is_escaped, test_whatsapp_links_are_digits_and_encoded_text,
                              test_output_holes.py::test_a_description_is_escaped_on_the_staff_review_page,
                              ::test_the_share_link_carries_the_text_url_encoded

Headers, logs, errors (test_headers.py)
24 security headers           test_every_page_has_the_security_headers_and_no_inline_script_without_a_nonce,
                              test_hsts_in_production_only
25 audit trail                test_the_audit_trail_records_the_security_events_in_utc_without_secrets,
                              test_each_audit_record_is_one_log_line_even_with_newlines_in_names,
                              test_listing_decision_and_round_changes_are_audited, media/test_services.py::
                              test_rejection_is_audited_with_the_detected_format, test_accounts.py (lock-outs)
26 generic error pages        test_a_500_is_our_page_with_a_request_id_the_log_has, test_error_pages_are_ours_in_indonesian

Trust (issue #12; the features' own tests)
27 badges only from checks    listings/test_permits.py::test_no_public_surface_shows_a_badge_without_a_checked_unexpired_permit,
                              ::test_a_permit_is_valid_through_its_expiry_day_in_wib,
                              ::test_json_ld_never_names_a_permit_number
28 pending business changes   moderation/test_business_changes.py::test_a_whatsapp_change_is_not_served_until_a_moderator_approves
   never reach shoppers       (redirect, API, kit keep the old number), ::test_a_refused_change_keeps_the_old_values_and_tells_the_community_why,
                              ::test_a_decision_on_a_version_the_moderator_did_not_see_is_refused,
                              ::test_two_moderators_deciding_at_once_one_wins
29 reports: anonymous,        moderation/test_reports.py::test_reports_are_counted_not_repeated_and_keep_no_personal_data,
   counted, limited, hidden   ::test_reports_are_rate_limited_per_address, ::test_bad_reports_get_a_message_or_a_404_and_write_nothing,
                              ::test_fraud_reports_hide_a_listing_at_the_threshold_until_staff_look,
                              ::test_a_take_down_from_the_queue_tells_the_community_why_never_who
30 certificate photos are    listings/test_permit_photos.py::test_a_certificate_photo_reaches_staff_only,
   staff-only, pipeline-made  ::test_a_pdf_a_bomb_or_no_permit_gets_a_message_and_nothing_attached,
                              ::test_another_communitys_business_is_404_and_unchanged
31 stock marks: own approved  listings/test_stock.py::test_only_an_approved_listing_carries_a_mark,
   listings only, no review   ::test_odd_values_other_communities_and_missing_tokens_change_nothing,
                              ::test_an_offsite_next_is_ignored, ::test_staff_and_strangers_cannot_set_a_mark

Access rules for new routes: ``RULES`` in the world module beside this file (one line per endpoint).
"""
