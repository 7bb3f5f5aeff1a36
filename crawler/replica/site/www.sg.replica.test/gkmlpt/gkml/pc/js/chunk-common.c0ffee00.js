/* gkmlpt front end (replica): renders the list of a category from
 * /<dept>/gkmlpt/api/all/<cat>?page=<n>&sid=<SID> into #postList table.table-content. */
(function(){var c=window._CONFIG||{};document.title=document.title||c.SID;})();
