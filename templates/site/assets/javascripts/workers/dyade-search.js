/* Dyade: the theme's search worker, with stemming that survives its
   search-as-you-type wildcard.

   The theme adds "*" to every word of the query, and lunr does not stem
   words with a wildcard, so "mentorés*" would never find "mentoré".  For
   each such word we add the same word without "*", which goes through the
   language's pipeline (stop words, stemmer).  This file sits next to the
   theme's worker so that the theme finds its language files (../lunr/).

   The theme then lists, under each result, the words of the query that
   the result lacks: a word counts as found only when one of the result's
   indexed words starts with it.  Indexed words are stems ("learn"), so
   "learning" would be listed as missing from every page that holds it.
   A word whose stem the result holds is therefore recorded as found. */
importScripts(new URL(self.location.href).searchParams.get("worker"));

(function (lunr) {
  "use strict";
  var query = lunr.Index.prototype.query;
  lunr.Index.prototype.query = function (build) {
    var pipeline = this.pipeline;
    var typed = [];
    var results = query.call(this, function (q) {
      build.call(q, q);
      var stemmed = [];
      q.clauses.forEach(function (clause) {
        var term = clause.term;
        if (clause.usePipeline || term.indexOf("*") !== term.length - 1 || term.length < 2 ||
            clause.presence !== lunr.Query.presence.OPTIONAL) {
          return;
        }
        typed.push(term.slice(0, -1));
        stemmed.push({
          term: term.slice(0, -1), fields: clause.fields, boost: clause.boost, usePipeline: true,
          wildcard: lunr.Query.wildcard.NONE, presence: clause.presence, editDistance: 0
        });
      });
      Array.prototype.push.apply(q.clauses, stemmed);
    });
    typed.forEach(function (word) {
      var stems = pipeline.runString(word);
      results.forEach(function (result) {
        var found = result.matchData.metadata;
        var holds = stems.some(function (stem) { return Object.prototype.hasOwnProperty.call(found, stem); });
        if (holds && !Object.prototype.hasOwnProperty.call(found, word)) {
          found[word] = {};  // no field: nothing more to highlight
        }
      });
    });
    return results;
  };
})(self.lunr);
